Feature: Virtual-agent responses, transfer to live agents, and what SMS cannot carry
  Seed 003, "Bot response", live-agent handoff and the supported subset.

  Background:
    Given the Conversational SMS provider number "+14155550100"
    And an agent "alice" who is available for SMS
    And a consumer "Bea Brown" with mobile phone "+14155552671"
    And a messaging profile links "+14155552671" to consumer "Bea Brown"
    And consumer "Bea Brown" has an open case "CS0001001" about "Router broken"

  @row:VA-6
  Scenario: Text, Image, Link and Card responses are delivered by SMS, the image by MMS
    Given the order "4471" is "In transit" with "UPS", expected "Tuesday"
    And the topic file "showcase.toml":
      """
      name = "showcase"
      trigger = ["showcase"]
      start = "hello"

      [nodes.hello]
      response = "text"
      text = "Here is everything a bot can send by SMS."
      next = "picture"

      [nodes.picture]
      response = "image"
      url = "media/photo_guide.png"
      alt = "How to photograph an item"
      next = "link"

      [nodes.link]
      response = "link"
      label = "Our help centre"
      url = "https://help.example.com"
      next = "card"

      [nodes.card]
      response = "card"
      title = "Order 4471"
      table = "x_convsms_order"
      record = "4471"
      fields = [{ field = "state", label = "Status" }, { field = "carrier", label = "Carrier" }]
      """
    When "+14155552671" texts "showcase please" to "+14155550100"
    Then "+14155552671" receives "Here is everything a bot can send by SMS." from "+14155550100"
    And "+14155552671" receives a message with 1 image from "+14155550100"
    And "+14155552671" receives "How to photograph an item" from "+14155550100"
    And "+14155552671" receives "Our help centre: https://help.example.com" from "+14155550100"
    And "+14155552671" receives from "+14155550100":
      """
      Order 4471
      Status: In transit
      Carrier: UPS
      """
    And interaction IMS0001001 waits in no topic
    And the transcript matches the snapshot

  Scenario: A conversation the virtual agent handles is no live agent's to transfer or leave
    When "+14155552671" texts "my cases" to "+14155550100"
    And agent "alice" transfers IMS0001001 to queue "Conversational SMS"
    Then the request is refused with "IMS0001001 is with the virtual agent, not assigned to alice: only the agent it is assigned to can transfer, leave or close it"
    And nothing was written and nothing was sent
    And interaction IMS0001001 is assigned to the virtual agent

  @row:VA-7
  Scenario: The bot transfers to a live agent, who replies from the workspace
    When "+14155552671" texts "my cases" to "+14155550100"
    And "+14155552671" texts "1" to "+14155550100"
    And "+14155552671" texts "y" to "+14155550100"
    Then "+14155552671" receives "Transferring you to a live agent about CS0001001 Router broken." from "+14155550100"
    And agent "alice"'s Workspace Inbox offers IMS0001001
    When agent "alice" accepts the offered work item
    Then interaction IMS0001001 is assigned to agent "alice"
    And the live group profile of IMS0001001 is "alice"
    And interaction IMS0001001 waits in no topic
    When agent "alice" composes "Hi Bea, Alice here. Let me look at CS0001001." on interaction IMS0001001
    Then "+14155552671" receives "Hi Bea, Alice here. Let me look at CS0001001." from "+14155550100"
    And there is 1 interaction
    When "+14155552671" texts "thanks!" to "+14155550100"
    Then the transcript of IMS0001001 has 13 messages
    And the transcript matches the snapshot

  @row:VA-8
  Scenario: A live agent replies with Text, Card and Image
    When "+14155552671" texts "agent please" to "+14155550100"
    And agent "alice" accepts the offered work item
    Then interaction IMS0001001 is assigned to agent "alice"
    When agent "alice" composes "Here is your case:" on interaction IMS0001001
    And agent "alice" sends the card of case "CS0001001" on interaction IMS0001001
    And agent "alice" composes "And the label to print" with the attachment "label.png" of type "image/png" on interaction IMS0001001
    Then "+14155552671" receives "Here is your case:" from "+14155550100"
    And "+14155552671" receives from "+14155550100":
      """
      Case: CS0001001
      Subject: Router broken
      State: open
      """
    And "+14155552671" receives "And the label to print" with 1 image from "+14155550100"
    And "+14155552671" has received 6 messages
    And the transcript matches the snapshot

  @row:VA-9
  Scenario Outline: A topic with a control or response SMS cannot carry is refused at load, naming file and node
    When an administrator loads the topic file "<file>":
      """
      name = "bad"
      trigger = ["bad"]
      start = "first"

      [nodes.first]
      <kind> = "<value>"
      prompt = "Pick one"
      text = "x"
      """
    Then the request is refused with "<file>"
    And the request is refused with "topic `bad`"
    And the request is refused with "node `first`"
    And the request is refused with "<value>"
    And the request is refused with "supported"
    When "+14155552671" texts "bad" to "+14155550100"
    Then "+14155552671" receives "Hi, this is the virtual agent. What can I help you with today?" from "+14155550100"

    Examples:
      | file          | kind     | value             |
      | carousel.toml | response | carousel          |
      | date.toml     | input    | date_picker       |
      | multi.toml    | input    | multi_flat_select |

  @row:VA-9
  Scenario: A File Picker that accepts more than images is refused at load
    When an administrator loads the topic file "upload.toml":
      """
      name = "upload"
      trigger = ["upload"]
      start = "ask"

      [nodes.ask]
      input = "file_picker"
      prompt = "Send the file"
      var = "file"
      types = ["application/pdf"]
      """
    Then the request is refused with "upload.toml"
    And the request is refused with "topic `upload`"
    And the request is refused with "node `ask`"
    And the request is refused with "application/pdf"
    And the request is refused with "only images"

  Scenario: A Link response without a label is the URL alone
    Choice pinned by src/domain/topic/render.rs: an empty label adds no "label: " prefix.
    Given the topic file "portal.toml":
      """
      name = "portal"
      trigger = ["portal"]
      start = "link"

      [nodes.link]
      response = "link"
      label = ""
      url = "https://help.example.com/portal"
      """
    When "+14155552671" texts "portal" to "+14155550100"
    Then "+14155552671" receives "https://help.example.com/portal" from "+14155550100"
    And "+14155552671" does not receive a message containing ": https://help.example.com/portal" from "+14155550100"
