Feature: The built-in topics
  convsms carries three topics of its own (greeting, talk_to_agent and order_status). convsms
  soak answers with them, and so does a feature file run outside any project folder. A feature
  the soak wrote starts with "Given the virtual agent answers with the built-in topics", so that
  it replays with the soak's topics even in a project whose topics/ folder holds others.

  Background:
    Given the Conversational SMS provider number "+14155550100"

  Scenario: With the built-in topics, a topic of the project's folder does not start
    Given the virtual agent answers with the built-in topics
    When "+14155552671" texts "The lamp I bought is damaged" to "+14155550100"
    Then "+14155552671" receives "Hi, this is the virtual agent. What can I help you with today?" from "+14155550100"
    And interaction IMS0001001 waits in topic "greeting" at node "ask_issue"

  Scenario: With the project's topics, the same words start its report_damage topic
    When "+14155552671" texts "The lamp I bought is damaged" to "+14155550100"
    Then "+14155552671" receives "Sorry to hear that. Which item was damaged?" from "+14155550100"
    And interaction IMS0001001 waits in topic "report_damage" at node "ask_item"

  Scenario: A topic file the scenario loads is added to the built-in topics
    Given the virtual agent answers with the built-in topics
    And the topic file "store_hours.toml":
      """
      name = "store_hours"
      trigger = ["hours"]
      start = "hours"

      [nodes.hours]
      response = "text"
      text = "We are open 9 to 5."
      """
    When "+14155552671" texts "What are your hours?" to "+14155550100"
    Then "+14155552671" receives "We are open 9 to 5." from "+14155550100"
    When "+14155559999" texts "Where is my order?" to "+14155550100"
    Then interaction IMS0001002 waits in topic "order_status" at node "ask_number"
