Feature: Messaging profiles match an inbound number to a requester
  Seed 002, "Messaging profiles". The virtual agent answers new conversations.

  Choice where the seeds are silent: seed 002 matches an inbound number against sys_user records
  only, and so does the engine by default. The sys_property
  "com.glide.cs.sms.profile.match_consumer_contact_phone" (default "false") also matches the mobile
  phones of consumers and customer contacts: a sys_user with the number still wins; otherwise the
  one consumer or contact with it is the requester from the first text (so a Dynamic Choice of
  "my open cases" shows hers); a number several of them share matches nobody, as guessing would
  show one person another's records: the guest user, until an agent re-links (PROFILE-4). The same
  holds for a mobile phone several sys_users share.

  Background:
    Given the Conversational SMS provider number "+14155550100"

  @row:PROFILE-1
  Scenario: A sys_user's number with no profile gets a profile linked to that user
    Given a sys_user "Ada Lovelace" with mobile phone "+14155552671"
    When "+14155552671" texts "Hi" to "+14155550100"
    Then "+14155552671" has an active messaging profile linked to sys_user "Ada Lovelace"
    And "+14155552671" has 1 messaging profile
    And interaction IMS0001001 is opened for sys_user "Ada Lovelace"
    And the transcript matches the snapshot

  @row:PROFILE-2
  Scenario: A number known only to a messaging profile opens the interaction for the profile's user
    Given a sys_user "Ada Lovelace"
    And a messaging profile links "+14155552671" to sys_user "Ada Lovelace"
    When "+14155552671" texts "Hi, new phone" to "+14155550100"
    Then interaction IMS0001001 is opened for sys_user "Ada Lovelace"
    And the sys_user "Ada Lovelace" has no mobile phone
    And "+14155552671" has 1 messaging profile

  Scenario: A mobile phone two sys_users share is nobody's: the guest, until an agent re-links
    As for consumers and contacts: whichever was created first is no better a guess.
    Given a sys_user "Ada Lovelace" with mobile phone "+14155552671"
    And a sys_user "Grace Hopper" with mobile phone "+14155552671"
    When "+14155552671" texts "Hi" to "+14155550100"
    Then interaction IMS0001001 is opened for the guest user
    And "+14155552671" has an active messaging profile linked to nobody

  @row:PROFILE-3
  Scenario: An unknown number opens the interaction for the guest user
    When "+14155552671" texts "Hello?" to "+14155550100"
    Then interaction IMS0001001 is opened for the guest user
    And "+14155552671" has an active messaging profile linked to nobody
    And "+14155552671" has 1 messaging profile

  @row:PROFILE-4
  Scenario: When sys_user and the profile disagree the profile wins, and an agent re-links both
    Given a sys_user "Ada Lovelace" with mobile phone "+14155552671"
    And a sys_user "Grace Hopper"
    And a messaging profile links "+14155552671" to sys_user "Grace Hopper"
    When "+14155552671" texts "It's Ada, not Grace" to "+14155550100"
    Then interaction IMS0001001 is opened for sys_user "Grace Hopper"
    And "+14155552671" has an active messaging profile linked to sys_user "Grace Hopper"
    And the sys_user "Ada Lovelace" has mobile phone "+14155552671"
    When the agent re-links interaction IMS0001001 to sys_user "Ada Lovelace"
    Then interaction IMS0001001 is opened for sys_user "Ada Lovelace"
    And "+14155552671" has an active messaging profile linked to sys_user "Ada Lovelace"
    And "+14155552671" has 1 messaging profile

  @row:PROFILE-4
  Scenario: When sys_user and the profile disagree the profile wins, and the virtual agent verifies and re-links both
    Seed 002: "Virtual agent or live agent can verify the user and reassociate the
    interaction/profile with the correct user". A topic's verify node does it (docs/topics.md);
    with same_phone the record must have the number texting on file, so naming someone else
    is not enough.
    Given a sys_user "Ada Lovelace" with mobile phone "+14155552671"
    And a sys_user "Grace Hopper"
    And a messaging profile links "+14155552671" to sys_user "Grace Hopper"
    And the topic file "verify.toml":
      """
      name = "verify"
      trigger = ["verify me"]
      start = "ask_name"

      [nodes.ask_name]
      input = "text"
      prompt = "Who are you? Reply with your full name."
      var = "who"
      next = "check"

      [nodes.check]
      flow = "verify"
      table = "sys_user"
      record = "{who}"
      same_phone = true
      next = "done"
      if_unverified = "ask_again"

      [nodes.ask_again]
      input = "text"
      prompt = "This phone is not on record for {who}. Who are you?"
      var = "who"
      next = "check"

      [nodes.done]
      response = "text"
      text = "Thanks, {who}: this conversation and this phone are now linked to you."
      """
    When "+14155552671" texts "I'm not Grace, verify me" to "+14155550100"
    Then interaction IMS0001001 is opened for sys_user "Grace Hopper"
    And "+14155552671" receives "Who are you? Reply with your full name." from "+14155550100"
    When "+14155552671" texts "Grace Hopper" to "+14155550100"
    Then "+14155552671" receives "This phone is not on record for Grace Hopper. Who are you?" from "+14155550100"
    And interaction IMS0001001 is opened for sys_user "Grace Hopper"
    When "+14155552671" texts "Nobody Known" to "+14155550100"
    Then "+14155552671" receives "This phone is not on record for Nobody Known. Who are you?" from "+14155550100"
    When "+14155552671" texts "Ada Lovelace" to "+14155550100"
    Then "+14155552671" receives "Thanks, Ada Lovelace: this conversation and this phone are now linked to you." from "+14155550100"
    And interaction IMS0001001 is opened for sys_user "Ada Lovelace"
    And "+14155552671" has an active messaging profile linked to sys_user "Ada Lovelace"
    And "+14155552671" has 1 messaging profile
    And interaction IMS0001001 waits in no topic

  Scenario: The virtual agent verifies a guest and, in the same turn, lists her open cases
    Seed 002: a number no record has opens the interaction for the guest user, and "Virtual
    agent or live agent can manually verify". Without same_phone, naming a record is the check
    (the topic's own questions come before); what follows the verify node is the verified
    requester's: her open cases, not the guest's none.
    Given a consumer "Bea Brown"
    And consumer "Bea Brown" has an open case "CS0001001" about "Router broken"
    And the topic file "verify.toml":
      """
      name = "verify"
      trigger = ["verify me"]
      start = "ask_name"

      [nodes.ask_name]
      input = "text"
      prompt = "Who are you? Reply with your full name."
      var = "who"
      next = "check"

      [nodes.check]
      flow = "verify"
      table = "csm_consumer"
      record = "{who}"
      next = "pick"

      [nodes.pick]
      input = "dynamic_choice"
      prompt = "Thanks, {who}. Which of your open cases?"
      var = "case"
      source = "open_cases"
      """
    When "+14155552671" texts "verify me" to "+14155550100"
    Then interaction IMS0001001 is opened for the guest user
    And "+14155552671" has an active messaging profile linked to nobody
    When "+14155552671" texts "Bea Brown" to "+14155550100"
    Then "+14155552671" receives a message containing "Thanks, Bea Brown. Which of your open cases?\n1. CS0001001 Router broken" from "+14155550100"
    And interaction IMS0001001 is opened for consumer "Bea Brown"
    And "+14155552671" has an active messaging profile linked to consumer "Bea Brown"
    And "+14155552671" has 1 messaging profile

  Scenario: A verify node that cannot verify says so and ends, leaving the links as they were
    Given a sys_user "Ada Lovelace"
    And the topic file "verify.toml":
      """
      name = "verify"
      trigger = ["verify me"]
      start = "ask_name"

      [nodes.ask_name]
      input = "text"
      prompt = "Who are you?"
      var = "who"
      next = "check"

      [nodes.check]
      flow = "verify"
      table = "sys_user"
      record = "{who}"
      same_phone = true
      """
    When "+14155552671" texts "verify me" to "+14155550100"
    And "+14155552671" texts "Ada Lovelace" to "+14155550100"
    Then "+14155552671" receives "Sorry, I couldn't verify who you are." from "+14155550100"
    And interaction IMS0001001 is opened for the guest user
    And "+14155552671" has an active messaging profile linked to nobody
    And interaction IMS0001001 waits in no topic

  # Pinned reading (the documents are silent): a guest profile is linked to the sys_user who now
  # has the number, rather than being treated as a conflict.
  Scenario: A guest profile is linked to the sys_user who registers the number later
    Given a messaging profile links "+14155552671" to nobody
    And a sys_user "Ada Lovelace" with mobile phone "+14155552671"
    When "+14155552671" texts "Hi" to "+14155550100"
    Then interaction IMS0001001 is opened for sys_user "Ada Lovelace"
    And "+14155552671" has an active messaging profile linked to sys_user "Ada Lovelace"
    And "+14155552671" has 1 messaging profile

  Scenario: By default a consumer's own number opens the conversation for the guest user
    Given a consumer "Bea Brown" with mobile phone "+14155552671"
    When "+14155552671" texts "Hi" to "+14155550100"
    Then interaction IMS0001001 is opened for the guest user
    And "+14155552671" has an active messaging profile linked to nobody

  Scenario: With consumers and contacts matched too, a consumer's first text is hers and lists her open cases
    Given the property "com.glide.cs.sms.profile.match_consumer_contact_phone" is "true"
    And a consumer "Bea Brown" with mobile phone "+14155552671"
    And consumer "Bea Brown" has an open case "CS0001001" about "Router broken"
    When "+14155552671" texts "my cases" to "+14155550100"
    Then interaction IMS0001001 is opened for consumer "Bea Brown"
    And "+14155552671" has an active messaging profile linked to consumer "Bea Brown"
    And "+14155552671" receives a message containing "1. CS0001001 Router broken" from "+14155550100"

  Scenario: With consumers and contacts matched too, a sys_user still wins and a shared number is nobody's
    Given the property "com.glide.cs.sms.profile.match_consumer_contact_phone" is "true"
    And a sys_user "Ada Lovelace" with mobile phone "+14155552671"
    And a consumer "Ann Archer" with mobile phone "+14155552671"
    And a customer contact "Cy Chen" with mobile phone "+14155552672"
    And a consumer "Dee Dunn" with mobile phone "+14155552673"
    And a customer contact "Eve Ede" with mobile phone "+14155552673"
    When "+14155552671" texts "Hi" to "+14155550100"
    And "+14155552672" texts "Hi" to "+14155550100"
    And "+14155552673" texts "Hi" to "+14155550100"
    Then interaction IMS0001001 is opened for sys_user "Ada Lovelace"
    And interaction IMS0001002 is opened for customer contact "Cy Chen"
    And "+14155552672" has an active messaging profile linked to customer contact "Cy Chen"
    And interaction IMS0001003 is opened for the guest user
    And "+14155552673" has an active messaging profile linked to nobody

  @row:PROFILE-3
  Scenario: A live agent verifies a guest by hand and re-links the interaction and its profile
    Seed 002, the guest row: "Virtual agent or live agent can manually verify". The profile that
    linked nobody now links the verified record (no second profile), and the conversation goes on.
    Given the virtual agent is off
    And an agent "alice" who is available for SMS
    And a consumer "Bea Brown"
    When "+14155552671" texts "Hi, it's Bea Brown" to "+14155550100"
    Then interaction IMS0001001 is opened for the guest user
    And "+14155552671" has an active messaging profile linked to nobody
    When agent "alice" accepts the offered work item
    And the agent re-links interaction IMS0001001 to consumer "Bea Brown"
    Then interaction IMS0001001 is opened for consumer "Bea Brown"
    And "+14155552671" has an active messaging profile linked to consumer "Bea Brown"
    And "+14155552671" has 1 messaging profile
    When "+14155552671" texts "Thanks" to "+14155550100"
    Then there is 1 interaction
    And interaction IMS0001001 is assigned to agent "alice"
    And agents see the requester's message "Thanks" in IMS0001001
