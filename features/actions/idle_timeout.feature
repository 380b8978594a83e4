Feature: The virtual agent gives up on a silent requester
  Seed 003 and ServiceNow's com.glide.cs.conversation_idle_timeout (default 7200 seconds): a
  virtual-agent conversation with no message for that long closes as abandoned. Where a closing
  messaging action also applies, the lower timeout wins.

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
    And the transcript matches the snapshot

  Scenario: A shorter closing messaging action wins over the idle timeout
    Given a messaging action "Close early" on "requester message without agent response" after 1 hour that sets state "closed_complete" where "state=new"
    When "+14155552671" texts "Hi" to "+14155550100"
    And 1 hour passes
    Then interaction IMS0001001 is in state "closed_complete"

  Scenario: A longer closing messaging action loses to the idle timeout
    Given a messaging action "Close late" on "requester message without agent response" after 3 hours that sets state "closed_complete" where "state=new"
    When "+14155552671" texts "Hi" to "+14155550100"
    And 2 hours pass
    Then interaction IMS0001001 is in state "closed_abandoned"
    When 2 hours pass
    Then no messaging action has fired
