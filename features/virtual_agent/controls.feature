Feature: Virtual-agent input controls over SMS
  Seed 003, "Supported controls". Topics are the files in topics/ (docs/topics.md). The exact SMS
  each control sends, with its segment count, is pinned by the transcript snapshots.

  Background:
    Given the Conversational SMS provider number "+14155550100"
    And an agent "alice" who is available for SMS
    And a consumer "Bea Brown" with mobile phone "+14155552671"
    And a messaging profile links "+14155552671" to consumer "Bea Brown"

  @row:VA-1
  Scenario: Text captures the requester's free text
    When "+14155552671" texts "Hello" to "+14155550100"
    Then interaction IMS0001001 waits in topic "greeting" at node "ask_issue"
    When "+14155552671" texts "My router blinks red since Monday" to "+14155550100"
    Then "+14155552671" receives "Thanks, I have noted: 'My router blinks red since Monday'. Reply AGENT to talk to a live agent." from "+14155550100"
    And interaction IMS0001001 waits in topic "greeting" at node "more"
    And the transcript matches the snapshot

  @row:VA-2
  Scenario: Static Choice is a numbered list; a number or the label selects
    Given the order "4471" is "In transit" with "UPS", expected "Tuesday"
    When "+14155552671" texts "where is my order?" to "+14155550100"
    And "+14155552671" texts "4471" to "+14155550100"
    Then "+14155552671" receives from "+14155550100":
      """
      What would you like to do with order 4471?
      1. Track it
      2. Change the delivery address
      3. Cancel it
      Reply with a number or the option's name.
      """
    When "+14155552671" texts " track IT! " to "+14155550100"
    Then "+14155552671" receives from "+14155550100":
      """
      Order 4471
      Status: In transit
      Carrier: UPS
      Expected: Tuesday
      """
    And the transcript matches the snapshot

  @row:VA-2
  Scenario: A number selects the option
    When "+14155552671" texts "order" to "+14155550100"
    And "+14155552671" texts "4471" to "+14155550100"
    And "+14155552671" texts "2" to "+14155550100"
    Then "+14155552671" receives "Change the delivery address: https://shop.example.com/orders/4471/address" from "+14155550100"

  @row:VA-3
  Scenario: Dynamic Choice lists the requester's open cases, computed when asked
    Given consumer "Bea Brown" has an open case "CS0001001" about "Router broken"
    And consumer "Bea Brown" has an open case "CS0001003" about "Refund for May"
    And consumer "Bea Brown" has a resolved case "CS0001002" about "Old bill"
    And a consumer "Cy Chen" with mobile phone "+14155552699"
    And consumer "Cy Chen" has an open case "CS0001009" about "Not Bea's case"
    When "+14155552671" texts "my cases" to "+14155550100"
    Then "+14155552671" receives from "+14155550100":
      """
      Which of your open cases?
      1. CS0001001 Router broken
      2. CS0001003 Refund for May
      Reply with a number or the option's name.
      """
    And "+14155552671" does not receive a message containing "CS0001009" from "+14155550100"
    When "+14155552671" texts "2" to "+14155550100"
    Then "+14155552671" receives from "+14155550100":
      """
      Case: CS0001003
      Subject: Refund for May
      State: open
      Assigned to: 
      """
    And the transcript matches the snapshot

  @row:VA-3
  Scenario: Dynamic Choice is built again each time it is asked, from the cases open then
    Given consumer "Bea Brown" has an open case "CS0001001" about "Router broken"
    When "+14155552671" texts "my cases" to "+14155550100"
    Then "+14155552671" receives from "+14155550100":
      """
      Which of your open cases?
      1. CS0001001 Router broken
      Reply with a number or the option's name.
      """
    When "+14155552671" texts "1" to "+14155550100"
    And "+14155552671" texts "no" to "+14155550100"
    Then "+14155552671" receives "OK. Text us any time." from "+14155550100"
    Given consumer "Bea Brown" has an open case "CS0001004" about "Late delivery"
    When "+14155552671" texts "my cases" to "+14155550100"
    Then "+14155552671" receives from "+14155550100":
      """
      Which of your open cases?
      1. CS0001001 Router broken
      2. CS0001004 Late delivery
      Reply with a number or the option's name.
      """
    When "+14155552671" texts "2" to "+14155550100"
    Then "+14155552671" receives a message containing "Case: CS0001004" from "+14155550100"

  @row:VA-4
  Scenario Outline: Boolean understands yes, y, no and n in any case
    When "+14155552671" texts "order" to "+14155550100"
    And "+14155552671" texts "4471" to "+14155550100"
    And "+14155552671" texts "cancel it" to "+14155550100"
    Then "+14155552671" receives "Cancel order 4471? This cannot be undone.\nReply YES or NO." from "+14155550100"
    When "+14155552671" texts "<answer>" to "+14155550100"
    Then "+14155552671" receives "<reply>" from "+14155550100"

    Examples:
      | answer | reply                                                            |
      | yes    | An agent will cancel order 4471 for you. Transferring you now.   |
      | Y      | An agent will cancel order 4471 for you. Transferring you now.   |
      | NO     | OK, order 4471 stays as it is.                                   |
      | n      | OK, order 4471 stays as it is.                                   |

  @row:VA-4
  Scenario: The Boolean question as SMS, and a yes that branches
    When "+14155552671" texts "my order" to "+14155550100"
    And "+14155552671" texts "4471" to "+14155550100"
    And "+14155552671" texts "Cancel it" to "+14155550100"
    And "+14155552671" texts "Yes" to "+14155550100"
    Then "+14155552671" receives "An agent will cancel order 4471 for you. Transferring you now." from "+14155550100"
    And the transcript matches the snapshot

  @row:VA-5
  Scenario: File Picker accepts an image by MMS and re-prompts on other files or text
    When "+14155552671" texts "I got a damaged lamp" to "+14155550100"
    And "+14155552671" texts "lamp" to "+14155550100"
    Then "+14155552671" receives a message with 1 image from "+14155550100"
    When "+14155552671" texts "here is the receipt" with the file "https://files.example.com/receipt.pdf" to "+14155550100"
    Then "+14155552671" receives "Sorry, I can only accept images.\nPlease send a photo of the damaged lamp.\nReply with an image (a picture message)." from "+14155550100"
    When "+14155552671" texts "it's broken" to "+14155550100"
    Then "+14155552671" receives "Sorry, I didn't get that.\nPlease send a photo of the damaged lamp.\nReply with an image (a picture message)." from "+14155550100"
    When "+14155552671" texts "" with the image "https://files.example.com/lamp.jpg" to "+14155550100"
    Then "+14155552671" receives "Thanks, we received your photo of the lamp and opened a damage claim. We will text you within 2 business days." from "+14155550100"
    And the transcript matches the snapshot

  Scenario: A File Picker of exact types names them when refusing another image, and keeps the file's URL and type
    A File Picker keeps the URL Twilio hosts the image at (the webhook's MediaUrl), not the
    handset's: in convsms the simulator's, written http://twilio.simulator/… in what a handset
    received and in snapshots, since its port changes from run to run.
    Given the topic file "claim.toml":
      """
      name = "claim"
      trigger = ["claim"]
      start = "ask_photo"

      [nodes.ask_photo]
      input = "file_picker"
      prompt = "Send a PNG screenshot of the error."
      var = "shot"
      types = ["image/png"]
      next = "thanks"

      [nodes.thanks]
      response = "text"
      text = "Got your {shot.type} file: {shot}"
      """
    When "+14155552671" texts "claim" to "+14155550100"
    And "+14155552671" texts "" with the image "https://files.example.com/shot.jpg" to "+14155550100"
    Then "+14155552671" receives "Sorry, I can only accept images of type image/png.\nSend a PNG screenshot of the error.\nReply with an image (a picture message)." from "+14155550100"
    When "+14155552671" texts "" with the image "https://files.example.com/shot.png" to "+14155550100"
    Then "+14155552671" receives "Got your image/png file: http://twilio.simulator/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages/MM00000000000000000000000000000005/Media/ME00000000000000000000000000000002" from "+14155550100"
    And the transcript matches the snapshot

  @row:VA-10
  Scenario: A picture with no words, where the virtual agent asks for text, gets a re-prompt
    When "+14155552671" texts "Hello" to "+14155550100"
    And "+14155552671" texts "" with the image "https://files.example.com/router.jpg" to "+14155550100"
    Then "+14155552671" receives a message containing "Sorry, I didn't get that." from "+14155550100"
    And interaction IMS0001001 waits in topic "greeting" at node "ask_issue"
    And "+14155552671" does not receive a message containing "Thanks, I have noted" from "+14155550100"

  @row:VA-10
  Scenario: Input that does not fit a choice re-prompts with the choices again
    When "+14155552671" texts "order" to "+14155550100"
    And "+14155552671" texts "4471" to "+14155550100"
    And "+14155552671" texts "7" to "+14155550100"
    Then "+14155552671" receives from "+14155550100":
      """
      Sorry, I didn't get that.
      What would you like to do with order 4471?
      1. Track it
      2. Change the delivery address
      3. Cancel it
      Reply with a number or the option's name.
      """
    When "+14155552671" texts "maybe" to "+14155550100"
    Then interaction IMS0001001 waits in topic "order_status" at node "ask_need"
    And "+14155552671" has received 4 messages
    When "+14155552671" texts "3" to "+14155550100"
    And "+14155552671" texts "perhaps" to "+14155550100"
    Then "+14155552671" receives "Sorry, I didn't get that.\nCancel order 4471? This cannot be undone.\nReply YES or NO." from "+14155550100"
    And there is 1 interaction

  Scenario: A long reply echoed back is cut so the answer still fits one message Twilio takes
    Twilio refuses a Body over 1,600 characters (21617). The greeting topic echoes the issue:
    the echoed value is cut, ending with "...", so the whole answer is 1,600 characters and
    is delivered; the topic's own words are never cut.
    When "+14155552671" texts "Hello" to "+14155550100"
    And "+14155552671" texts "My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes. My router blinks red and drops the line every few minutes." to "+14155550100"
    Then "+14155552671" receives a message containing "Thanks, I have noted: 'My router blinks red" from "+14155550100"
    And "+14155552671" receives a message containing "...'. Reply AGENT to talk to a live agent." from "+14155550100"
    When 1 minute passes
    Then message #4 of IMS0001001 has status "delivered"
    And "+14155552671" has received 2 messages
    And the transcript matches the snapshot
