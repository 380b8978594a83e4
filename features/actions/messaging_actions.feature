Feature: Messaging actions: timers on conversations
  Seed 002, "Messaging actions". A message from one side starts that side's timers and cancels the
  other side's; a timer fires exactly once, at its due time and not a second earlier, if its filter
  still matches the interaction then. Every timer is a row in the store.

  Background:
    Given the Conversational SMS provider number "+14155550100"
    And an agent "alice"
    And a consumer "Bea Brown" with mobile phone "+14155552671"
    And no messaging actions are active
    When agent "alice" composes "Hello Bea, about your parcel" for consumer "Bea Brown"

  @row:ACTION-1 @row:ACTION-5
  Scenario: "Requester message without agent response" fires once when its duration passes; Prompt agent notifies the agent
    Given a messaging action "Nudge" on "requester message without agent response" after 10 minutes that prompts the agent "Bea is waiting"
    And an agent "bob" who is available for SMS
    When "+14155552671" texts "Where is it?" to "+14155550100"
    Then interaction IMS0001001 has a pending timer "Nudge" due at "09:10:00"
    And interaction IMS0001001 has 1 pending timer
    When 599 seconds pass
    Then no messaging action has fired
    And agent "alice" has no workspace notification
    When 1 second passes
    Then messaging action "Nudge" has fired once for IMS0001001
    And agent "alice" has the workspace notification "Bea is waiting" for IMS0001001
    And interaction IMS0001001 has no pending timer
    When 3 hours pass
    Then messaging action "Nudge" has fired once for IMS0001001
    And agent "alice" has 1 workspace notification
    And agent "bob" has no workspace notification

  @row:ACTION-2 @row:ACTION-6
  Scenario: "Agent message without requester response" fires once; Prompt requester sends a system message by SMS
    Given a messaging action "Ping" on "agent message without requester response" after 1 hour that prompts the requester "Are you still there? Reply to continue."
    When agent "alice" composes "Any news?" on interaction IMS0001001
    Then interaction IMS0001001 has a pending timer "Ping" due at "10:00:00"
    When time advances to the next timer
    Then messaging action "Ping" has fired once for IMS0001001
    And "+14155552671" receives "Are you still there? Reply to continue." from "+14155550100"
    When a day passes
    Then messaging action "Ping" has fired once for IMS0001001
    And the transcript matches the snapshot

  Scenario: Each requester message left unanswered fires the action again; the other side's action stays silent
    Given a messaging action "Nudge" on "requester message without agent response" after 10 minutes that prompts the agent "Bea is waiting"
    And a messaging action "Ping" on "agent message without requester response" after 1 hour that prompts the requester "Are you still there?"
    When "+14155552671" texts "Where is it?" to "+14155550100"
    And 10 minutes pass
    Then messaging action "Nudge" has fired once for IMS0001001
    And messaging action "Ping" has not fired for IMS0001001
    When "+14155552671" texts "Hello?" to "+14155550100"
    And 10 minutes pass
    Then messaging action "Nudge" has fired 2 times for IMS0001001
    And messaging action "Ping" has not fired for IMS0001001
    And agent "alice" has 2 workspace notifications

  Scenario: A keyword is no turn of the conversation: it starts no timer and answers none
    Choice where the seeds are silent: START, STOP and Notification are commands to the SMS
    notification settings (seed 003) and do not wake the virtual agent, so a keyword neither
    waits for an agent's answer nor answers the agent. Agents still see it in the transcript.
    Given a messaging action "Nudge" on "requester message without agent response" after 10 minutes that prompts the agent "Bea is waiting"
    And a messaging action "Ping" on "agent message without requester response" after 1 hour that prompts the requester "Are you still there?"
    When agent "alice" composes "Any news?" on interaction IMS0001001
    And "+14155552671" texts "Notification" to "+14155550100"
    Then interaction IMS0001001 has a pending timer "Ping" due at "10:00:00"
    And interaction IMS0001001 has 1 pending timer
    And agents see the requester's message "Notification" in IMS0001001
    When 1 hour passes
    Then messaging action "Ping" has fired once for IMS0001001
    And messaging action "Nudge" has not fired for IMS0001001
    And agent "alice" has no workspace notification
    And "+14155552671" receives "Are you still there?" from "+14155550100"

  @row:ACTION-3
  Scenario: An answer from the other side before the duration cancels the timer
    Given a messaging action "Nudge" on "requester message without agent response" after 10 minutes that prompts the agent "Bea is waiting"
    When "+14155552671" texts "Where is it?" to "+14155550100"
    Then interaction IMS0001001 has a pending timer "Nudge" due at "09:10:00"
    When 5 minutes pass
    And agent "alice" composes "It arrives tomorrow" on interaction IMS0001001
    Then interaction IMS0001001 has no pending timer
    When 1 hour passes
    Then no messaging action has fired
    And agent "alice" has no workspace notification

  @row:ACTION-3
  Scenario: A text from the requester before the duration cancels the agent's timer
    Given a messaging action "Ping" on "agent message without requester response" after 1 hour that prompts the requester "Are you still there?"
    When agent "alice" composes "Any news?" on interaction IMS0001001
    Then interaction IMS0001001 has a pending timer "Ping" due at "10:00:00"
    When 30 minutes pass
    And "+14155552671" texts "Still waiting" to "+14155550100"
    Then interaction IMS0001001 has no pending timer
    When 2 hours pass
    Then no messaging action has fired
    And "+14155552671" has received 2 messages

  @row:ACTION-1
  Scenario: A second unanswered message does not push back the timer the first one started
    Choice where the seed is silent: the duration counts from the first message the other side
    has not answered (src/domain/messaging_actions.rs), so a requester who writes again while
    waiting is not made to wait longer.
    Given a messaging action "Nudge" on "requester message without agent response" after 10 minutes that prompts the agent "Bea is waiting"
    When "+14155552671" texts "Where is it?" to "+14155550100"
    And 5 minutes pass
    And "+14155552671" texts "Hello?" to "+14155550100"
    Then interaction IMS0001001 has a pending timer "Nudge" due at "09:10:00"
    And interaction IMS0001001 has 1 pending timer
    When 5 minutes pass
    Then messaging action "Nudge" has fired once for IMS0001001
    And agent "alice" has the workspace notification "Bea is waiting" for IMS0001001

  @row:ACTION-4
  Scenario: A filter condition that does not match stops the action
    Given a messaging action "Hold reminder" on "requester message without agent response" after 10 minutes that prompts the agent "Still on hold" where "state=on_hold"
    When "+14155552671" texts "Where is it?" to "+14155550100"
    Then interaction IMS0001001 has a pending timer "Hold reminder" due at "09:10:00"
    When 11 minutes pass
    Then no messaging action has fired
    And agent "alice" has no workspace notification
    And interaction IMS0001001 has no pending timer

  @row:ACTION-4
  Scenario: A filter with != fires on an interaction in another state, and not on one in that state
    Given a messaging action "Nudge" on "requester message without agent response" after 10 minutes that prompts the agent "Bea is waiting" where "state!=on_hold"
    And a messaging action "Hold nudge" on "requester message without agent response" after 10 minutes that prompts the agent "Not while on hold" where "state!=work_in_progress"
    When "+14155552671" texts "Where is it?" to "+14155550100"
    And 10 minutes pass
    Then messaging action "Nudge" has fired once for IMS0001001
    And messaging action "Hold nudge" has not fired for IMS0001001
    And agent "alice" has 1 workspace notification
    And agent "alice" has the workspace notification "Bea is waiting" for IMS0001001

  Scenario: An invalid filter is refused when the action is saved, with the position of the error
    When an administrator saves a messaging action "Broken" on "agent message without requester response" after 5 minutes that reassigns where "state=new^^active=true"
    Then the request is refused with "at byte 10"
    And the request is refused with "expected a condition"
    And nothing was written and nothing was sent

  Scenario: A filter on a field the interaction does not have is refused when the action is saved
    A misspelt field would read as empty for ever: "stat!=closed_complete" would match every
    interaction and "colour=red" none, so the action would always or never fire.
    When an administrator saves a messaging action "Broken" on "agent message without requester response" after 5 minutes that reassigns where "stat!=closed_complete"
    Then the request is refused with "unknown field 'stat'"
    And the request is refused with "expected one of number, type, channel, state"
    And nothing was written and nothing was sent

  @row:ACTION-7
  Scenario: Reassign removes the assigned agent and routes the interaction again
    Given a messaging action "Hand back" on "requester message without agent response" after 15 minutes that reassigns
    When "+14155552671" texts "Hello?" to "+14155550100"
    And 15 minutes pass
    Then messaging action "Hand back" has fired once for IMS0001001
    And interaction IMS0001001 is assigned to nobody
    And interaction IMS0001001 is in state "new"
    And agents see "alice was removed; the conversation is back in the queue." in IMS0001001
    And queue "Conversational SMS" has waiting IMS0001001
    And the work item for IMS0001001 is "pending"
    # Agents see who was removed; the requester only hears that someone is coming (SYSMSG-1).
    And the requester of IMS0001001 does not receive "alice was removed; the conversation is back in the queue."
    And the requester of IMS0001001 receives "An agent will be with you shortly."
    And "+14155552671" has received 2 messages

  Scenario: Reassign and Prompt agent do nothing while no live agent holds the conversation
    Choice where the seed is silent: Reassign removes the assigned agent and Prompt agent notifies
    them; a conversation the virtual agent handles has neither, so the timer settles without
    firing, and the virtual agent keeps the conversation (a Reassign does not hand it to live
    agents mid-topic). A closing Set state still applies (features/actions/idle_timeout.feature).
    Given a messaging action "Hand back" on "requester message without agent response" after 10 minutes that reassigns
    And a messaging action "Nudge" on "requester message without agent response" after 10 minutes that prompts the agent "Someone is waiting"
    When "+14155552672" texts "Hi" to "+14155550100"
    Then interaction IMS0001002 is assigned to the virtual agent
    And interaction IMS0001002 has a pending timer "Hand back" due at "09:10:00"
    When 10 minutes pass
    Then no messaging action has fired
    And interaction IMS0001002 has no pending timer
    And interaction IMS0001002 is assigned to the virtual agent

  Scenario: Reassign does nothing to a conversation waiting in a queue
    Given the virtual agent is off
    And a messaging action "Hand back" on "requester message without agent response" after 10 minutes that reassigns
    When "+14155552672" texts "Hi" to "+14155550100"
    Then interaction IMS0001002 is assigned to nobody
    And queue "Conversational SMS" has waiting IMS0001002
    When 10 minutes pass
    Then no messaging action has fired
    And interaction IMS0001002 has no pending timer
    And queue "Conversational SMS" has waiting IMS0001002
    And the work item for IMS0001002 is "pending"

  @row:ACTION-8
  Scenario: Set state puts the interaction in the configured state
    Given a messaging action "Hold" on "agent message without requester response" after 2 days that sets state "on_hold"
    When agent "alice" composes "I have asked the carrier" on interaction IMS0001001
    And 2 days pass
    Then messaging action "Hold" has fired once for IMS0001001
    And interaction IMS0001001 is in state "on_hold"
    And agents see "State changed to on_hold." in IMS0001001
    And the requester of IMS0001001 does not receive "State changed to on_hold."

  Scenario: A Set state to the state the interaction has already posts no state change
    Given a messaging action "Keep working" on "agent message without requester response" after 1 day that sets state "work_in_progress"
    When agent "alice" composes "I have asked the carrier" on interaction IMS0001001
    Then interaction IMS0001001 is in state "work_in_progress"
    When 1 day passes
    Then messaging action "Keep working" has fired once for IMS0001001
    And interaction IMS0001001 is in state "work_in_progress"
    And the transcript matches the snapshot

  Scenario: A Set state that names no interaction state is refused when the action is saved
    When an administrator saves a messaging action "Hold" on "agent message without requester response" after 5 minutes that sets state "on_hodl"
    Then the request is refused with "on_hodl"
    And the request is refused with "is not an interaction state"
    And the request is refused with "expected one of new, work_in_progress, on_hold, closed_complete, closed_abandoned"
    And nothing was written and nothing was sent

  Scenario: A second action of a name already saved is refused, not put in the first one's place
    Given a messaging action "Nudge" on "requester message without agent response" after 10 minutes that prompts the agent "Bea is waiting"
    When an administrator saves a messaging action "Nudge" on "requester message without agent response" after 20 minutes that prompts the agent "Bea is waiting"
    Then the request is refused with "messaging action 'Nudge' exists twice; names must be unique"
    When "+14155552671" texts "Hello?" to "+14155550100"
    Then interaction IMS0001001 has a pending timer "Nudge" due at "2026-01-05 09:10:00"

  Scenario: ServiceNow's defaults remind the agent after 30 minutes and close after 2 days
    Given the property "com.glide.cs.conversation_idle_timeout" is "7200"
    And a messaging action "Remind agent" on "requester message without agent response" after 30 minutes that prompts the agent "The requester has been waiting 30 minutes for your response." where "state=work_in_progress"
    And a messaging action "Close abandoned conversation" on "agent message without requester response" after 2 days that sets state "closed_abandoned" where "state=work_in_progress"
    When "+14155552671" texts "Hello?" to "+14155550100"
    And 30 minutes pass
    Then agent "alice" has the workspace notification "The requester has been waiting 30 minutes for your response." for IMS0001001
    When agent "alice" composes "Sorry for the wait" on interaction IMS0001001
    Then interaction IMS0001001 has a pending timer "Close abandoned conversation" due at "2026-01-07 09:30:00"
    When 2 days pass
    Then interaction IMS0001001 is closed
    And interaction IMS0001001 is in state "closed_abandoned"
    And "+14155552671" receives "This conversation is closed." from "+14155550100"

  Scenario: Time advances to a moment: a timer due then fires there, not a second earlier
    Given a messaging action "Close abandoned conversation" on "agent message without requester response" after 2 days that sets state "closed_abandoned" where "state=work_in_progress"
    When "+14155552671" texts "Hello?" to "+14155550100"
    And agent "alice" composes "Found it" on interaction IMS0001001
    Then interaction IMS0001001 has a pending timer "Close abandoned conversation" due at "2026-01-07 09:00:00"
    When time advances to "2026-01-07 08:59:59"
    Then no messaging action has fired
    When time advances to "09:00:00"
    Then messaging action "Close abandoned conversation" has fired once for IMS0001001
    And interaction IMS0001001 is in state "closed_abandoned"

  Scenario: Closing the conversation cancels its timers: nothing fires on a closed conversation
    Given a messaging action "Nudge" on "requester message without agent response" after 10 minutes that prompts the agent "Bea is waiting"
    When "+14155552671" texts "Where is it?" to "+14155550100"
    Then interaction IMS0001001 has a pending timer "Nudge" due at "09:10:00"
    When 5 minutes pass
    And agent "alice" closes IMS0001001
    Then interaction IMS0001001 has no pending timer
    When 1 hour passes
    Then no messaging action has fired
    And agent "alice" has no workspace notification
