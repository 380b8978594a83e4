Feature: Advanced Work Assignment routes SMS conversations to live agents
  Seed 002, "Requester initiated SMS conversations": like other service channels, Advanced Work
  Assignment (AWA) handles the routing of SMS conversations to live agents.

  A conversation handed to live agents (the virtual agent is off, or it transfers) waits unassigned
  as a work item in the first queue, by order, whose condition (an encoded query on the interaction)
  matches. The default queue "Conversational SMS" comes last and takes everything; every agent
  with SMS presence is a member. The work item is offered in the Workspace Inbox of a member who is
  available, has free SMS capacity and has not declined it; among those, the one with the most
  free capacity, then the first listed (the default queue lists agents by user name).

  Choices where the seed is silent: offers and accepted conversations both hold a slot of capacity;
  lowering an agent's capacity below what they hold withdraws their newest offers beyond it (accepted
  conversations stay theirs); the default SMS capacity is 3; an offer lasts 60 seconds; an agent who rejects a work item is
  never offered it again; waiting work items are offered oldest first, but an item nobody can take
  does not hold back younger ones.

  An offer that times out is not a decline: the conversation goes to another agent who can take
  it, and back to the agent who let it lapse only when nobody else can (among several, the one
  whose offer lapsed longest ago first). So a conversation never waits while an agent of its queue
  who has not rejected it is available with free capacity. Agents see "The offer to alice timed
  out." once per agent, not every minute an absent agent is offered it again.

  Background:
    Given the Conversational SMS provider numbers "+14155550100" and "+14155550101"
    And the virtual agent is off

  @row:ROUTE-1
  Scenario: A conversation is offered to an available agent with free SMS capacity in the right queue
    Given an agent "alice" who is available for SMS
    And an agent "bob" who is available for SMS
    And an agent "carol" who is available for SMS
    And a queue "Billing" for SMS where "provider_phone=+14155550101" with agents "bob", "carol"
    And agent "bob" is away
    And agent "carol" has SMS capacity 1
    When "+14155552671" texts "Is my bill wrong?" to "+14155550101"
    Then the work item for IMS0001001 is in queue "Billing"
    And the work item for IMS0001001 is offered to agent "carol"
    And agent "carol"'s Workspace Inbox offers IMS0001001
    And agent "alice"'s Workspace Inbox is empty
    And agent "bob"'s Workspace Inbox is empty
    And interaction IMS0001001 is assigned to nobody
    When agent "carol" accepts the offered work item
    And "+14155552672" texts "Double charge" to "+14155550101"
    Then the work item for IMS0001002 is in queue "Billing"
    And the work item for IMS0001002 is "pending"
    And agent "alice"'s Workspace Inbox is empty
    When "+14155552673" texts "Where is my parcel?" to "+14155550100"
    Then the work item for IMS0001003 is in queue "Conversational SMS"
    And the work item for IMS0001003 is offered to agent "alice"
    When agent "bob" becomes available
    Then the work item for IMS0001002 is offered to agent "bob"
    And the transcript matches the snapshot

  @row:ROUTE-2
  Scenario: With every agent at capacity the work items wait and are offered oldest first when capacity frees up
    Given an agent "alice" who is available for SMS
    And agent "alice" has SMS capacity 1
    When "+14155552671" texts "First" to "+14155550100"
    And agent "alice" accepts the offered work item
    And "+14155552672" texts "Second" to "+14155550100"
    And 5 minutes pass
    And "+14155552673" texts "Third" to "+14155550100"
    Then the work item for IMS0001002 is "pending"
    And the work item for IMS0001003 is "pending"
    And queue "Conversational SMS" has waiting IMS0001002 and IMS0001003
    And agent "alice"'s Workspace Inbox is empty
    And the requester of IMS0001002 receives "An agent will be with you shortly."
    When interaction IMS0001001 is closed
    Then agent "alice"'s Workspace Inbox offers IMS0001002
    And the work item for IMS0001003 is "pending"
    And queue "Conversational SMS" has waiting IMS0001003
    When agent "alice" accepts the offered work item
    And agent "alice"'s SMS capacity becomes 2
    Then agent "alice"'s Workspace Inbox offers IMS0001003
    And queue "Conversational SMS" has nothing waiting
    And the transcript matches the snapshot

  @row:ROUTE-2
  Scenario: An agent coming back from away is offered the oldest waiting conversation first
    Given an agent "alice" who is available for SMS
    And agent "alice" has SMS capacity 1
    And agent "alice" is away
    When "+14155552671" texts "First" to "+14155550100"
    And 1 minute passes
    And "+14155552672" texts "Second" to "+14155550100"
    Then the work item for IMS0001001 is "pending"
    And agent "alice"'s Workspace Inbox is empty
    When agent "alice" becomes available
    Then agent "alice"'s Workspace Inbox offers IMS0001001
    And the work item for IMS0001002 is "pending"

  Scenario: An agent going away has their outstanding offers withdrawn and offered to someone else
    Given an agent "alice" who is available for SMS
    And an agent "bob" who is available for SMS
    When "+14155552671" texts "Hi" to "+14155550100"
    Then the work item for IMS0001001 is offered to agent "alice"
    When agent "alice" goes away
    Then the work item for IMS0001001 is offered to agent "bob"
    When agent "bob" goes offline
    Then the work item for IMS0001001 is "pending"
    When agent "alice" becomes available
    Then the work item for IMS0001001 is offered to agent "alice"

  Scenario: Capacity is never exceeded: three conversations for two slots
    Given an agent "alice" who is available for SMS
    And an agent "bob" who is available for SMS
    And agent "alice" has SMS capacity 1
    And agent "bob" has SMS capacity 1
    When "+14155552671" texts "One" to "+14155550100"
    And "+14155552672" texts "Two" to "+14155550100"
    And "+14155552673" texts "Three" to "+14155550100"
    Then agent "alice"'s Workspace Inbox offers IMS0001001
    And agent "bob"'s Workspace Inbox offers IMS0001002
    And the work item for IMS0001003 is "pending"
    When agent "alice" accepts the offered work item
    And agent "bob" accepts the offered work item
    And 10 minutes pass
    Then the work item for IMS0001003 is "pending"
    And agent "alice"'s Workspace Inbox is empty
    And agent "bob"'s Workspace Inbox is empty
    When interaction IMS0001002 is closed
    Then agent "bob"'s Workspace Inbox offers IMS0001003

  Scenario: A rejected work item goes to the next agent, never back to the one who rejected it
    Given an agent "alice" who is available for SMS
    And an agent "bob" who is available for SMS
    When "+14155552671" texts "Hi" to "+14155550100"
    Then the work item for IMS0001001 is offered to agent "alice"
    When agent "alice" rejects the offered work item
    Then the work item for IMS0001001 is offered to agent "bob"
    And agent "alice"'s Workspace Inbox is empty
    When agent "bob" rejects the work item for IMS0001001
    Then the work item for IMS0001001 is "rejected"
    And agent "alice"'s Workspace Inbox is empty
    And agent "bob"'s Workspace Inbox is empty
    And interaction IMS0001001 is assigned to nobody

  Scenario: An offer not accepted within 60 seconds times out and goes to the next agent
    Given an agent "alice" who is available for SMS
    And an agent "bob" who is available for SMS
    When "+14155552671" texts "Hi" to "+14155550100"
    And 59 seconds pass
    Then the work item for IMS0001001 is offered to agent "alice"
    When 1 second passes
    Then the work item for IMS0001001 is offered to agent "bob"
    And agents see "The offer to alice timed out." in IMS0001001
    When agent "alice" accepts the work item for IMS0001001
    Then the request is refused with "offered to bob, not to alice"
    And nothing was written and nothing was sent
    When 1 minute passes
    Then the work item for IMS0001001 is offered to agent "alice"
    And agents see "The offer to bob timed out." in IMS0001001
    When agent "alice" accepts the offered work item
    Then interaction IMS0001001 is assigned to agent "alice"

  Scenario: Offers time out a minute each, in turn, however much time passes at once
    Given an agent "alice" who is available for SMS
    And an agent "bob" who is available for SMS
    When "+14155552671" texts "Hi" to "+14155550100"
    And 3 minutes pass
    Then the work item for IMS0001001 is offered to agent "bob"
    And the transcript matches the snapshot

  Scenario: A messaging action that closes a conversation mid-span frees its slot then, not at the end of the span
    Given an agent "alice" who is available for SMS
    And agent "alice" has SMS capacity 1
    And a messaging action "Close early" on "requester message without agent response" after 10 minutes that sets state "closed_complete" where "state=work_in_progress"
    When "+14155552671" texts "First" to "+14155550100"
    And agent "alice" accepts the offered work item
    And "+14155552672" texts "Second" to "+14155550100"
    And 1 hour passes
    Then interaction IMS0001001 is in state "closed_complete"
    And the transcript matches the snapshot

  Scenario: A timeout is not a decline: a single agent who misses an offer is offered it again
    Given an agent "alice" who is available for SMS
    When "+14155552671" texts "Hi" to "+14155550100"
    And 1 minute passes
    Then the work item for IMS0001001 is offered to agent "alice"
    And agent "alice"'s Workspace Inbox offers IMS0001001
    And agents see "The offer to alice timed out." in IMS0001001
    When 10 minutes pass
    Then agent "alice"'s Workspace Inbox offers IMS0001001
    And the transcript of IMS0001001 has 4 messages
    When agent "alice" accepts the offered work item
    Then interaction IMS0001001 is assigned to agent "alice"
    And the requester of IMS0001001 receives "You are now chatting with alice."

  Scenario: A rejected work item does not hold back a younger one the agent can take
    Given an agent "alice" who is available for SMS
    And an agent "bob" who is available for SMS
    And agent "alice" has SMS capacity 1
    And agent "bob" has SMS capacity 1
    When "+14155552671" texts "One" to "+14155550100"
    And "+14155552672" texts "Two" to "+14155550100"
    And "+14155552673" texts "Three" to "+14155550100"
    And agent "alice" rejects the work item for IMS0001001
    Then the work item for IMS0001001 is "rejected"
    And agent "alice"'s Workspace Inbox offers IMS0001003
    When agent "bob" accepts the offered work item
    And interaction IMS0001002 is closed
    Then agent "bob"'s Workspace Inbox offers IMS0001001

  Scenario: An agent cannot answer an offer made to someone else
    Given an agent "alice" who is available for SMS
    And an agent "bob" who is available for SMS
    When "+14155552671" texts "Hi" to "+14155550100"
    And agent "bob" accepts the work item for IMS0001001
    Then the request is refused with "the work item for IMS0001001 is offered to alice, not to bob"
    And nothing was written and nothing was sent
    When agent "bob" accepts the offered work item
    Then the request is refused with "bob's Workspace Inbox offers no work item"
    When agent "alice" accepts the offered work item
    And agent "alice" rejects the work item for IMS0001001
    Then the request is refused with "the work item for IMS0001001 is accepted, not offered to alice"

  Scenario: A queue with an invalid condition is refused
    Given an agent "bob" who is available for SMS
    When an administrator saves a queue "Broken" for SMS where "provider_phone=^^x" with agent "bob"
    Then the request is refused with "invalid encoded query at byte"
    And nothing was written and nothing was sent

  Scenario: Queues are evaluated by order: the first whose condition matches takes the conversation
    Given an agent "bob" who is available for SMS
    And an agent "carol" who is available for SMS
    And a consumer "Bea Brown" with mobile phone "+14155552671"
    And a messaging profile links "+14155552671" to consumer "Bea Brown"
    And a queue "Billing" for SMS where "provider_phone=+14155550101" with agent "bob"
    And a queue "Consumers" for SMS where "opened_for_table=csm_consumer" in order 10 with agent "carol"
    When "+14155552671" texts "About my bill" to "+14155550101"
    And "+14155552672" texts "About my bill too" to "+14155550101"
    Then the work item for IMS0001001 is in queue "Consumers"
    And the work item for IMS0001001 is offered to agent "carol"
    And the work item for IMS0001002 is in queue "Billing"
    And the work item for IMS0001002 is offered to agent "bob"

  @row:ACTION-7
  Scenario: A messaging action's Reassign routes the conversation again, not back to the agent it was taken from
    Given an agent "alice" who is available for SMS
    And an agent "bob" who is available for SMS
    And no messaging actions are active
    And a messaging action "Hand back" on "requester message without agent response" after 15 minutes that reassigns
    When "+14155552671" texts "Hi" to "+14155550100"
    And agent "alice" accepts the offered work item
    And 15 minutes pass
    Then interaction IMS0001001 is assigned to nobody
    And the work item for IMS0001001 is offered to agent "bob"
    And agent "alice"'s Ongoing tab is empty
    And agent "alice"'s Workspace Inbox is empty

  Scenario: Lowering an agent's capacity withdraws the offers beyond it, for an agent with room
    Given an agent "alice" who is available for SMS
    And an agent "bob" who is available for SMS
    And agent "bob" has SMS capacity 0
    When "+14155552671" texts "Hi" to "+14155550100"
    Then the work item for IMS0001001 is offered to agent "alice"
    When agent "alice"'s SMS capacity becomes 0
    Then agent "alice"'s Workspace Inbox is empty
    And the work item for IMS0001001 is "pending"
    When agent "bob"'s SMS capacity becomes 1
    Then the work item for IMS0001001 is offered to agent "bob"
