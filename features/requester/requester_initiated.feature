Feature: Requester-initiated SMS conversations
  Seed 002, "Requester initiated SMS conversations". An active SMS interaction is keyed by the pair
  (requester phone, provider number).

  Background:
    Given the Conversational SMS provider number "+14155550100"
    And an agent "alice" who is available for SMS

  @row:REQ-1
  Scenario: A first SMS opens a new interaction for the virtual agent
    When "+14155552671" texts "Hi" to "+14155550100"
    Then interaction IMS0001001 is an active messaging interaction on the SMS channel
    And interaction IMS0001001 is between "+14155552671" and "+14155550100"
    And interaction IMS0001001 is assigned to the virtual agent
    And "+14155552671" receives "Hi, this is the virtual agent. What can I help you with today?" from "+14155550100"
    And the transcript matches the snapshot

  @row:REQ-1
  Scenario: With the virtual agent off, a first SMS is routed to a live agent
    Given the virtual agent is off
    When "+14155552671" texts "Hi" to "+14155550100"
    Then interaction IMS0001001 is an active messaging interaction on the SMS channel
    And agent "alice"'s Workspace Inbox offers IMS0001001
    When agent "alice" accepts the offered work item
    Then interaction IMS0001001 is assigned to agent "alice"
    And interaction IMS0001001 is in state "work_in_progress"
    And the live group profile of IMS0001001 is "alice"
    And "+14155552671" receives "An agent will be with you shortly." from "+14155550100"
    And "+14155552671" receives "You are now chatting with alice." from "+14155550100"
    And "+14155552671" has received 2 messages

  @row:REQ-2
  Scenario: An SMS on a conversation with a live agent joins it
    Given the virtual agent is off
    And an agent "bob" who is available for SMS
    When "+14155552671" texts "My order is late" to "+14155550100"
    And agent "alice" accepts the offered work item
    And "+14155552671" texts "Order 4471, by the way" to "+14155550100"
    Then there is 1 interaction
    And agents see the requester's message "Order 4471, by the way" in IMS0001001
    And interaction IMS0001001 is assigned to agent "alice"
    And the work item for IMS0001001 is "accepted"
    And agent "bob"'s Workspace Inbox is empty
    And the live group profile of IMS0001001 is "alice"
    And the transcript of IMS0001001 has 6 messages
    And the transcript matches the snapshot

  @row:REQ-3
  Scenario: An SMS on a conversation with the virtual agent continues its topic
    When "+14155552671" texts "Hi" to "+14155550100"
    Then interaction IMS0001001 waits in topic "greeting" at node "ask_issue"
    When "+14155552671" texts "My router is broken" to "+14155550100"
    Then there is 1 interaction
    And interaction IMS0001001 is assigned to the virtual agent
    And interaction IMS0001001 waits in topic "greeting" at node "more"
    And "+14155552671" receives "Thanks, I have noted: 'My router is broken'. Reply AGENT to talk to a live agent." from "+14155550100"
    And the transcript of IMS0001001 has 4 messages
    And the transcript matches the snapshot

  Scenario: The virtual agent transfers to a live agent on request
    When "+14155552671" texts "Hi" to "+14155550100"
    And "+14155552671" texts "agent please" to "+14155550100"
    Then there is 1 interaction
    And interaction IMS0001001 is assigned to nobody
    When agent "alice" accepts the offered work item
    Then interaction IMS0001001 is assigned to agent "alice"
    And the live group profile of IMS0001001 is "alice"
    And "+14155552671" receives "Transferring you to a live agent." from "+14155550100"

  Scenario: Two requesters texting one provider number at once get one interaction each
    When "+14155552671" and "+14155552672" text "Hi" to "+14155550100" at the same time
    Then there are 2 interactions
    And "+14155552671" has received 1 message
    And "+14155552672" has received 1 message

  Scenario: One requester texting two provider numbers gets two interactions
    Given the Conversational SMS provider number "+14155550101"
    When "+14155552671" texts "Hi" to "+14155550100"
    And "+14155552671" texts "Hi again" to "+14155550101"
    Then there are 2 interactions
    And interaction IMS0001001 is between "+14155552671" and "+14155550100"
    And interaction IMS0001002 is between "+14155552671" and "+14155550101"

  Scenario: A closed conversation is not joined: the next SMS opens a new interaction
    When "+14155552671" texts "Hi" to "+14155550100"
    And interaction IMS0001001 is closed
    And "+14155552671" texts "Hi again" to "+14155550100"
    Then there are 2 interactions
    And interaction IMS0001001 is closed
    And interaction IMS0001002 is assigned to the virtual agent

  Scenario: The same inbound webhook delivered twice is stored once
    When "+14155552671" texts "Hi" to "+14155550100"
    And Twilio delivers the same inbound webhook again
    Then the webhook is answered with status 200
    And nothing was written and nothing was sent
    And the transcript of IMS0001001 has 2 messages
    And "+14155552671" has received 1 message

  Scenario: An SMS to the account's number of another integration is refused
    Given "+14155550199" is a ServiceNowTwilioDirect number
    When "+14155552671" texts "Hi" to "+14155550199"
    Then the webhook is answered with status 400
    And the request is refused with "+14155550199 is not a Conversational SMS provider number"
    And nothing was written and nothing was sent

  Scenario: A text from a number the phone metadata does not know is still taken; the provider refuses the reply
    Area code 200 is not assigned, so libphonenumber calls +12005550100 invalid; but the
    carrier delivered the text, so the engine keeps it. Twilio refuses the reply with 21211 and
    the transcript records the failed message with the provider's error.
    When "+12005550100" texts "Hi" to "+14155550100"
    Then the webhook is answered with status 200
    And interaction IMS0001001 is between "+12005550100" and "+14155550100"
    And interaction IMS0001001 is opened for the guest user
    And agents see the requester's message "Hi" in IMS0001001
    And the transcript of IMS0001001 ends with a failed message with error 21211
    And "+12005550100" has received 0 messages
    And the transcript matches the snapshot

  Scenario: A text with backslashes and quotes: in every quoted text a backslash is \\ and a double quote \"
    When "+14155552671" texts "hello" to "+14155550100"
    And "+14155552671" texts "see C:\\new\\tmp please" to "+14155550100"
    Then "+14155552671" receives "Thanks, I have noted: 'see C:\\new\\tmp please'. Reply AGENT to talk to a live agent." from "+14155550100"
    And "+14155552671" receives a message containing "C:\\new" from "+14155550100"
    When "+14155552671" texts "he said \"hi\"" to "+14155550100"
    Then agents see the requester's message "he said \"hi\"" in IMS0001001
