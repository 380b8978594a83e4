Feature: The soak's invariants on a scenario
  Once an invariant breaks, convsms soak writes the events that led there as a feature ending
  with "Then every soak invariant holds": the checks the soak runs, on the scenario's store and
  simulator. A scenario can use them too.

  Background:
    Given the virtual agent is off
    And the Conversational SMS provider number "+14155550100"
    And an agent "alice" who is available for SMS
    And a queue "Soak" for SMS with agent "alice"

  Scenario: A conversation with a webhook retry and a reply keeps every invariant
    When "+14155552671" texts "Hello" to "+14155550100"
    And "+14155552671" texts "Are you there?" to "+14155550100"
    Then the transcript of IMS0001001 has 4 messages
    When Twilio delivers the webhook of message #1 of IMS0001001 again
    Then the webhook is answered with status 200
    And the transcript of IMS0001001 has 4 messages
    When agent "alice" accepts the work item for IMS0001001
    And agent "alice" replies "Yes, how can I help?" in IMS0001001
    Then every soak invariant holds
    When 2 hours pass
    Then every soak invariant holds and every send has settled

  Scenario: Offers made by several steps at one instant keep every invariant the step checks
    Several steps run at one virtual instant; the routing invariant that needs to know which
    offers the last routing pass made (5b, oldest first) is the soak's alone, so this checks the
    others, liveness (6) among them.
    Given an agent "bob" who is available for SMS
    And agent "alice" has SMS capacity 1
    And agent "bob" has SMS capacity 1
    When "+14155552671" texts "Hi" to "+14155550100"
    And "+14155552672" texts "Hi" to "+14155550100"
    And agent "alice" rejects the offered work item
    Then the work item for IMS0001001 is "rejected"
    And every soak invariant holds
