Feature: Agents transfer SMS conversations and leave them
  Seed 002 names transfers among the system messages of a conversation ("agent joined,
  transferred, ..."): agents see every one, the requester only the subset meant for SMS
  (SYSMSG-1). The seeds say nothing else about transfers, so the rest is our reading of Agent
  Workspace, pinned here.

  Choices where the seed is silent: only the agent a conversation is assigned to can transfer it
  or leave it. Nobody holds it then until someone accepts, so the requester is told "An agent will
  be with you shortly." each time, as after a Reassign. A transfer to an agent is offered to that
  agent at once, ahead of anything waiting, for the usual 60 seconds, in the queue it came
  through, and only while they are available with a free SMS slot; accepting makes it theirs and
  the requester meets them ("You are now chatting with bob."). A rejection leaves it waiting there
  for the queue's other members; a lapsed offer goes to them too, and back to the named agent when
  none of them can take it, if the named agent is a member (a timeout is not a decline). A transfer to a queue waits in that
  queue; an agent leaving puts it back in the queue it came through. Either way it leaves the
  agent's Ongoing tab and live group profile, frees their slot, and the work item that puts it back
  is never offered to them (a later one may be, once someone else took it and passed it on).

  Background:
    Given the Conversational SMS provider number "+14155550100"
    And the virtual agent is off
    And an agent "alice" who is available for SMS
    And an agent "bob" who is available for SMS
    And an agent "carol"
    And agent "carol" is away

  @row:SYSMSG-1
  Scenario: A transfer to an agent: agents see it; the requester is told someone is coming, then meets them
    When "+14155552671" texts "My order never came" to "+14155550100"
    And agent "alice" accepts the offered work item
    And agent "alice" replies "Let me pass you to our shipping expert" in IMS0001001
    And agent "alice" transfers IMS0001001 to agent "bob"
    Then agents see "alice transferred the conversation to bob." in IMS0001001
    And the work item for IMS0001001 is offered to agent "bob"
    And agent "bob"'s Workspace Inbox offers IMS0001001
    And interaction IMS0001001 is assigned to nobody
    And agent "alice"'s Ongoing tab does not show IMS0001001
    When agent "bob" accepts the offered work item
    Then interaction IMS0001001 is assigned to agent "bob"
    And agents see "bob joined the conversation." in IMS0001001
    And agent "bob"'s Ongoing tab shows IMS0001001 without a new message
    And the requester of IMS0001001 receives "You are now chatting with bob."
    And the requester of IMS0001001 does not receive "alice transferred the conversation to bob."
    And the requester of IMS0001001 does not receive "bob joined the conversation."
    And the live group profile of IMS0001001 is "bob"
    And "+14155552671" has received 5 messages
    And the transcript matches the snapshot
    And every soak invariant holds

  @row:SYSMSG-1
  Scenario: A transfer to a queue: it waits there, and the requester is told someone is coming
    Given a queue "Shipping" for SMS where "provider_phone=+14155550199" with agents "carol", "bob"
    When "+14155552671" texts "My order never came" to "+14155550100"
    And agent "alice" accepts the offered work item
    And agent "alice" transfers IMS0001001 to queue "Shipping"
    Then agents see "alice transferred the conversation to Shipping." in IMS0001001
    And agents see "Waiting for an agent in Shipping." in IMS0001001
    And the work item for IMS0001001 is in queue "Shipping"
    And the work item for IMS0001001 is offered to agent "bob"
    And the requester of IMS0001001 does not receive "alice transferred the conversation to Shipping."
    And the requester of IMS0001001 does not receive "Waiting for an agent in Shipping."
    And "+14155552671" has received 3 messages
    And the requester of IMS0001001 receives "An agent will be with you shortly."
    And agent "alice"'s Ongoing tab is empty

  Scenario: An agent leaves a conversation transferred to a queue: it goes back to that queue
    Given a queue "Shipping" for SMS where "provider_phone=+14155550199" with agent "bob"
    When "+14155552671" texts "Hi" to "+14155550100"
    And agent "alice" accepts the offered work item
    And agent "alice" transfers IMS0001001 to queue "Shipping"
    And agent "bob" accepts the offered work item
    And agent "bob" leaves IMS0001001
    Then the work item for IMS0001001 is in queue "Shipping"
    And the work item for IMS0001001 is "pending"
    And the live group profile of IMS0001001 is empty

  @row:SYSMSG-1
  Scenario: An agent leaves a conversation: it goes back to its queue, never back to them
    When "+14155552671" texts "Hi" to "+14155550100"
    And agent "alice" accepts the offered work item
    And agent "alice" leaves IMS0001001
    Then agents see "alice left the conversation." in IMS0001001
    And the requester of IMS0001001 does not receive "alice left the conversation."
    And the work item for IMS0001001 is offered to agent "bob"
    And agent "alice"'s Ongoing tab is empty
    When agent "bob" rejects the offered work item
    Then the work item for IMS0001001 is "rejected"
    And agent "alice"'s Workspace Inbox is empty
    And "+14155552671" has received 3 messages
    And every soak invariant holds

  Scenario: A transfer the named agent rejects waits in the queue it came through, for someone else
    When "+14155552671" texts "Hi" to "+14155550100"
    And agent "alice" accepts the offered work item
    And agent "alice" transfers IMS0001001 to agent "bob"
    And agent "bob" rejects the offered work item
    Then the work item for IMS0001001 is "rejected"
    And the work item for IMS0001001 is in queue "Conversational SMS"
    And agents see "bob rejected the conversation." in IMS0001001
    When agent "carol" becomes available
    Then the work item for IMS0001001 is offered to agent "carol"

  Scenario: A transfer to an agent nobody answers lapses after 60 seconds like any offer
    When "+14155552671" texts "Hi" to "+14155550100"
    And agent "alice" accepts the offered work item
    And agent "alice" transfers IMS0001001 to agent "bob"
    And 60 seconds pass
    Then agents see "The offer to bob timed out." in IMS0001001
    And agent "alice"'s Workspace Inbox is empty
    And the work item for IMS0001001 is offered to agent "bob"

  Scenario Outline: A transfer or leave that cannot be done is refused and changes nothing
    Given a queue "Shipping" for SMS where "provider_phone=+14155550199" with agent "bob"
    When "+14155552671" texts "Hi" to "+14155550100"
    And agent "alice" accepts the offered work item
    And <step>
    Then the request is refused with "<refusal>"
    And nothing was written and nothing was sent
    And interaction IMS0001001 is assigned to agent "alice"

    Examples:
      | step                                                     | refusal                                                                                                                         |
      | agent "bob" transfers IMS0001001 to agent "carol"        | IMS0001001 is assigned to alice, not assigned to bob: only the agent it is assigned to can transfer, leave or close it                 |
      | agent "bob" leaves IMS0001001                            | IMS0001001 is assigned to alice, not assigned to bob: only the agent it is assigned to can transfer, leave or close it                 |
      | agent "alice" transfers IMS0001001 to agent "alice"      | alice cannot transfer IMS0001001 to themselves: name another agent or a queue                                                   |
      | agent "alice" transfers IMS0001001 to agent "carol"      | carol cannot take IMS0001001: they are away; transfer it to an available agent with a free SMS slot, or to a queue              |
      | agent "alice" transfers IMS0001001 to queue "Shiping"    | no SMS queue is named 'Shiping'; the queues are 'Conversational SMS', 'Shipping'                                                |
      | agent "alice" transfers IMS0001001 to agent "dave"       | no sys_user named 'dave'                                                                                                        |

  Scenario: A transfer to an agent whose SMS slots are all taken is refused
    Given agent "bob" has SMS capacity 1
    When "+14155552672" texts "First" to "+14155550100"
    And agent "alice" rejects the offered work item
    And agent "bob" accepts the offered work item
    And "+14155552671" texts "Second" to "+14155550100"
    And agent "alice" accepts the offered work item
    And agent "alice" transfers IMS0001002 to agent "bob"
    Then the request is refused with "bob cannot take IMS0001002: their only SMS slot is taken"
    And nothing was written and nothing was sent

  Scenario: A conversation nobody has accepted yet, or a closed one, cannot be transferred, left or closed again
    When "+14155552671" texts "Hi" to "+14155550100"
    And agent "alice" transfers IMS0001001 to agent "bob"
    Then the request is refused with "IMS0001001 is waiting for an agent, not assigned to alice"
    And nothing was written and nothing was sent
    When agent "alice" accepts the offered work item
    And agent "alice" closes IMS0001001
    And agent "alice" leaves IMS0001001
    Then the request is refused with "IMS0001001 is closed (closed_complete): a closed conversation cannot be transferred, left or closed again"
    And nothing was written and nothing was sent

  Scenario: A transfer to an agent outside the conversation's queue goes ahead of that queue's line
    Given a queue "Sales" for SMS where "provider_phone=+14155550100" with agent "alice"
    When "+14155552671" texts "Hi" to "+14155550100"
    And agent "alice" accepts the offered work item
    And "+14155552672" texts "Hi" to "+14155550100"
    And agent "alice" rejects the offered work item
    And 1 minute passes
    And agent "alice" transfers IMS0001001 to agent "bob"
    Then the work item for IMS0001001 is offered to agent "bob"
    And queue "Sales" has waiting IMS0001002
    And every soak invariant holds

  Scenario: Each requeue passes over the agent it took the conversation from, not those who passed on it before
    Given an agent "dave" who is available for SMS
    When "+14155552671" texts "My order never came" to "+14155550100"
    And agent "alice" accepts the offered work item
    And agent "alice" leaves IMS0001001
    Then the work item for IMS0001001 is offered to agent "bob"
    When agent "bob" rejects the offered work item
    Then the work item for IMS0001001 is offered to agent "dave"
    When agent "dave" accepts the offered work item
    And agent "dave" leaves IMS0001001
    Then the work item for IMS0001001 is offered to agent "alice"
    And agent "dave"'s Workspace Inbox is empty
    When agent "alice" rejects the offered work item
    Then the work item for IMS0001001 is offered to agent "bob"
    When agent "bob" rejects the offered work item
    Then the work item for IMS0001001 is "rejected"
    And agent "dave"'s Workspace Inbox is empty
    And every soak invariant holds
