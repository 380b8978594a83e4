Feature: The virtual agent gives up on a silent requester
  Seed 003 and ServiceNow's com.glide.cs.conversation_idle_timeout (default 7200 seconds): a
  virtual-agent conversation with no message for that long closes as abandoned. Where a closing
  messaging action also applies, the lower timeout wins.

  Choice where the seeds are silent: a conversation the idle timeout closes tells the requester
  "This conversation is closed.", as a close by an agent does; so does one a messaging action
  closes (Set state closed_complete or closed_abandoned), since the idle timeout and a closing
  action are the same thing at two durations. Agents see who closed it
  (src/domain/work_assignment.rs, SystemMessage::sms_text). An interaction that only held
  START / STOP / Notification keywords closes without telling the requester
  (features/notifications/sms_updates.feature).

  Background:
    Given the Conversational SMS provider number "+14155550100"
    And no messaging actions are active

  Scenario: After two silent hours the conversation closes as abandoned, not a second earlier
    When "+14155552671" texts "Hi" to "+14155550100"
    And 7199 seconds pass
    Then interaction IMS0001001 is in state "new"
    When 1 second passes
    Then interaction IMS0001001 is closed
    And interaction IMS0001001 is in state "closed_abandoned"
    And "+14155552671" receives "This conversation is closed." from "+14155550100"
    And agents see "The virtual agent closed the conversation after no reply (idle timeout)." in IMS0001001
    And the transcript matches the snapshot

  Scenario: The idle timeout counts from the last message, not from when the conversation opened
    When "+14155552671" texts "Hi" to "+14155550100"
    And 1 hour passes
    And "+14155552671" texts "My router is broken" to "+14155550100"
    And 1 hour passes
    Then interaction IMS0001001 is in state "new"
    And interaction IMS0001001 waits in topic "greeting" at node "more"
    When 1 hour passes
    Then interaction IMS0001001 is in state "closed_abandoned"
    And interaction IMS0001001 was closed at "2026-01-05 12:00:00"

  Scenario: A day passing at once closes the conversation when it fell idle, not when the day ends
    When "+14155552671" texts "Hi" to "+14155550100"
    Then interaction IMS0001001 waits in topic "greeting" at node "ask_issue"
    When 1 day passes
    Then interaction IMS0001001 is in state "closed_abandoned"
    And interaction IMS0001001 was closed at "2026-01-05 11:00:00"
    And interaction IMS0001001 waits in no topic
    And the transcript matches the snapshot

  Scenario: A conversation a shorter idle timeout makes overdue closes when time next moves, before what falls due later
    When "+14155552671" texts "Hi" to "+14155550100"
    And 5 minutes pass
    Given the property "com.glide.cs.conversation_idle_timeout" is "60"
    When 1 day passes
    Then interaction IMS0001001 is in state "closed_abandoned"
    And the transcript matches the snapshot

  Scenario: A shorter closing messaging action wins over the idle timeout
    Given a messaging action "Close early" on "requester message without agent response" after 1 hour that sets state "closed_complete" where "state=new"
    When "+14155552671" texts "Hi" to "+14155550100"
    And 1 hour passes
    Then interaction IMS0001001 is in state "closed_complete"
    And "+14155552671" receives "This conversation is closed." from "+14155550100"
    And agents see "The messaging action 'Close early' closed the conversation (closed_complete)." in IMS0001001
    And "+14155552671" has received 2 messages

  Scenario: A longer closing messaging action loses to the idle timeout
    Given a messaging action "Close late" on "requester message without agent response" after 3 hours that sets state "closed_complete" where "state=new"
    When "+14155552671" texts "Hi" to "+14155550100"
    And 2 hours pass
    Then interaction IMS0001001 is in state "closed_abandoned"
    And "+14155552671" receives "This conversation is closed." from "+14155550100"
    When 2 hours pass
    Then no messaging action has fired
    And "+14155552671" has received 2 messages

  Scenario: A close under a shorter idle timeout is judged by it after the timeout is raised
    Given the property "com.glide.cs.conversation_idle_timeout" is "3600"
    When "+14155552671" texts "Hi" to "+14155550100"
    And 1 hour passes
    Then interaction IMS0001001 is closed
    Given the property "com.glide.cs.conversation_idle_timeout" is "7200"
    Then every soak invariant holds
