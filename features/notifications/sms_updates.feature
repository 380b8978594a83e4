Feature: SMS update notifications (START, STOP, Notification)
  Seed 003, "User SMS Notification Management". Registered users (sys_user) opt in and out of SMS
  updates by texting a keyword alone (any case, surrounding spaces ignored). The system answers,
  not the virtual agent. Twilio's own opt-out handling (the simulator's default, as on Twilio long
  codes) also acts on STOP and START: Twilio blocks or unblocks the pair and sends its own
  confirmation, so after STOP the engine records the change and sends nothing (Twilio would refuse it
  with 21610). With Twilio's handling off (Advanced Opt-Out), the engine answers every keyword.

  Background:
    Given the Conversational SMS provider number "+14155550100"
    And a sys_user "Ada Lovelace" with mobile phone "+14155552671"

  @row:NOTIF-1
  Scenario: A user who never opted in has notifications off
    When "+14155552671" texts "Notification" to "+14155550100"
    Then sys_user "Ada Lovelace" never set SMS update notifications
    And sys_user "Ada Lovelace" has SMS update notifications off
    And "+14155552671" receives "SMS update notifications are OFF. Reply START to turn them on." from "+14155550100"

  @row:NOTIF-2
  Scenario: START turns notifications on
    When "+14155552671" texts "  start " to "+14155550100"
    Then sys_user "Ada Lovelace" has SMS update notifications on
    And "+14155552671" receives "You will receive SMS updates about your conversations. Reply STOP to stop them." from "+14155550100"

  @row:NOTIF-3
  Scenario: STOP turns notifications off; Twilio confirms the opt-out itself
    When "+14155552671" texts "START" to "+14155550100"
    And "+14155552671" texts "Stop" to "+14155550100"
    Then sys_user "Ada Lovelace" has SMS update notifications off
    And 1 SMS update subscription is stored
    And "+14155552671" receives "You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe." from "+14155550100"
    And "+14155552671" receives "You will receive SMS updates about your conversations. Reply STOP to stop them." from "+14155550100"
    And "+14155552671" does not receive "You will no longer receive SMS updates. Reply START to receive them again." from "+14155550100"
    And "+14155552671" has received 3 messages

  @row:NOTIF-3
  Scenario Outline: Twilio's other opt-out words are a STOP too, since Twilio now blocks the handset
    Pinned reading: seed 003 names STOP, but Twilio opts the handset out on any of its opt-out
    words and refuses every later send with 21610, so the engine records the opt-out and the
    virtual agent does not answer. Opt-in words other than START ("yes") stay answers.
    When "+14155552671" texts "START" to "+14155550100"
    And "+14155552671" texts "<word>" to "+14155550100"
    Then sys_user "Ada Lovelace" has SMS update notifications off
    And "+14155552671" receives "You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe." from "+14155550100"
    And "+14155552671" has received 3 messages

    Examples:
      | word        |
      | UNSUBSCRIBE |
      | cancel      |
      | Quit        |

  @row:NOTIF-3
  Scenario: With Twilio's opt-out handling off, the engine confirms STOP itself
    Given Twilio's own opt-out handling is off
    When "+14155552671" texts "START" to "+14155550100"
    And "+14155552671" texts "STOP" to "+14155550100"
    Then sys_user "Ada Lovelace" has SMS update notifications off
    And "+14155552671" receives "You will no longer receive SMS updates. Reply START to receive them again." from "+14155550100"

  @row:NOTIF-4
  Scenario: Notification replies the current setting
    When "+14155552671" texts "START" to "+14155550100"
    And "+14155552671" texts "NOTIFICATION" to "+14155550100"
    Then "+14155552671" receives "SMS update notifications are ON. Reply STOP to turn them off." from "+14155550100"
    And sys_user "Ada Lovelace" has SMS update notifications on

  @row:NOTIF-4
  Scenario: Notification after STOP replies that the setting is off
    Given Twilio's own opt-out handling is off
    When "+14155552671" texts "START" to "+14155550100"
    And "+14155552671" texts "STOP" to "+14155550100"
    And "+14155552671" texts "Notification" to "+14155550100"
    Then "+14155552671" receives "SMS update notifications are OFF. Reply START to turn them on." from "+14155550100"
    And "+14155552671" has received 3 messages
    And sys_user "Ada Lovelace" has SMS update notifications off

  @row:NOTIF-5
  Scenario Outline: Guests, consumers and customer contacts cannot subscribe (Twilio's own opt-out handling <handling>)
    Given Twilio's own opt-out handling is <handling>
    And a consumer "Bea Brown" with mobile phone "+14155552672"
    And a messaging profile links "+14155552672" to consumer "Bea Brown"
    And a customer contact "Cy Chen" with mobile phone "+14155552673"
    And a messaging profile links "+14155552673" to customer contact "Cy Chen"
    When "+14155552674" texts "START" to "+14155550100"
    And "+14155552672" texts "START" to "+14155550100"
    And "+14155552673" texts "START" to "+14155550100"
    And "+14155552673" texts "Notification" to "+14155550100"
    And "+14155552675" texts "STOP" to "+14155550100"
    Then no SMS update subscription is stored
    And "+14155552674" receives "Only registered users can subscribe to SMS update notifications." from "+14155550100"
    And "+14155552672" receives "Only registered users can subscribe to SMS update notifications." from "+14155550100"
    And "+14155552673" has received <contact> messages
    And "+14155552675" has received 1 message
    And "+14155552673" receives "Only registered users can subscribe to SMS update notifications." from "+14155550100"
    And "+14155552675" receives "<answer to STOP>" from "+14155550100"

    Examples:
      | handling | contact | answer to STOP                                                                                                               |
      | off      | 2       | Only registered users can subscribe to SMS update notifications.                                                             |
      | on       | 3       | You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe. |

  Scenario: A keyword inside a sentence is just text for the virtual agent
    When "+14155552671" texts "please stop calling me" to "+14155550100"
    Then sys_user "Ada Lovelace" never set SMS update notifications
    And "+14155552671" receives "Hi, this is the virtual agent. What can I help you with today?" from "+14155550100"

  Scenario: A keyword does not wake the virtual agent; the next message does
    When "+14155552671" texts "Notification" to "+14155550100"
    And "+14155552671" texts "Hello" to "+14155550100"
    Then there is 1 interaction
    And "+14155552671" receives "Hi, this is the virtual agent. What can I help you with today?" from "+14155550100"
    And the transcript matches the snapshot

  Scenario: A keyword alone is no conversation, so its idle close does not tell the requester
    Choice where the seed is silent: the interaction that holds the keyword still closes after
    the idle timeout, and agents see why; "This conversation is closed." would tell the requester
    of a conversation they never started.
    When "+14155552671" texts "Notification" to "+14155550100"
    And 2 hours pass
    Then interaction IMS0001001 is in state "closed_abandoned"
    And agents see "Closed after no reply (idle timeout); only keywords were exchanged, so the requester was not told." in IMS0001001
    And "+14155552671" has received 1 message

  Scenario: Once the virtual agent has spoken, the idle close tells the requester
    When "+14155552671" texts "Notification" to "+14155550100"
    And "+14155552671" texts "Hello" to "+14155550100"
    And 2 hours pass
    Then interaction IMS0001001 is in state "closed_abandoned"
    And "+14155552671" receives "This conversation is closed." from "+14155550100"
    And "+14155552671" has received 3 messages

  Scenario: With the virtual agent off, a keyword alone is answered and no agent is offered it
    Choice where the seed is silent: a keyword is a command to the notification system, not a
    conversation. With the virtual agent off, the interaction that holds it closes as soon as the
    system has answered, so no live agent is offered it and the requester is not told "An agent
    will be with you shortly." (after STOP, Twilio would refuse even that with 21610). The next
    message that is not a keyword opens a conversation for the agents.
    Given the virtual agent is off
    And an agent "alice" who is available for SMS
    When "+14155552671" texts "Notification" to "+14155550100"
    Then "+14155552671" receives "SMS update notifications are OFF. Reply START to turn them on." from "+14155550100"
    And interaction IMS0001001 is in state "closed_complete"
    And agents see "Closed once answered: a keyword opened it with the virtual agent off, so no agent was offered it." in IMS0001001
    And agent "alice"'s Workspace Inbox is empty
    When "+14155552671" texts "STOP" to "+14155550100"
    Then interaction IMS0001002 is in state "closed_complete"
    And agent "alice"'s Workspace Inbox is empty
    And "+14155552671" has received 2 messages
    When "+14155552671" texts "START" to "+14155550100"
    And "+14155552671" texts "My router is broken" to "+14155550100"
    Then agent "alice"'s Workspace Inbox offers IMS0001004
    And "+14155552671" receives "An agent will be with you shortly." from "+14155550100"
    And the transcript matches the snapshot

  @row:NOTIF-2
  Scenario: START after STOP turns notifications on again
    When "+14155552671" texts "STOP" to "+14155550100"
    Then sys_user "Ada Lovelace" has SMS update notifications off
    When "+14155552671" texts "START" to "+14155550100"
    Then sys_user "Ada Lovelace" has SMS update notifications on
    And 1 SMS update subscription is stored
    And "+14155552671" receives "You will receive SMS updates about your conversations. Reply STOP to stop them." from "+14155550100"
    When "+14155552671" texts "Notification" to "+14155550100"
    Then "+14155552671" receives "SMS update notifications are ON. Reply STOP to turn them off." from "+14155550100"

  # What the setting is for: the SMS update notifications themselves. Choices where the seed is
  # silent (it leaves a notification's content to the instance): a case of the user's changing
  # state is the update; its wording is ours; it goes to the phone they text from (their active
  # messaging profile's, else their mobile phone), from the number they last texted.

  @row:NOTIF-2
  Scenario: A user who opted in is texted when a case of theirs changes state
    Given sys_user "Ada Lovelace" has an open case "CS0001001" about "Router broken"
    When "+14155552671" texts "START" to "+14155550100"
    Then sys_user "Ada Lovelace" has SMS update notifications on
    When case "CS0001001" changes to state "resolved"
    Then "+14155552671" receives "Update on your case CS0001001 (Router broken): it is now resolved." from "+14155550100"
    And "+14155552671" has received 3 messages
    # The same state again is no update.
    When case "CS0001001" changes to state "resolved"
    Then "+14155552671" has received 3 messages

  @row:NOTIF-1
  Scenario: A user who never opted in is not texted their case's update
    Given sys_user "Ada Lovelace" has an open case "CS0001001" about "Router broken"
    When case "CS0001001" changes to state "resolved"
    Then sys_user "Ada Lovelace" never set SMS update notifications
    And sys_user "Ada Lovelace" has SMS update notifications off
    And "+14155552671" has received no messages
    And there are no interactions

  @row:NOTIF-3
  Scenario: A user who texted STOP is not texted their case's update
    Given sys_user "Ada Lovelace" has an open case "CS0001001" about "Router broken"
    When "+14155552671" texts "START" to "+14155550100"
    And "+14155552671" texts "STOP" to "+14155550100"
    Then sys_user "Ada Lovelace" has SMS update notifications off
    When case "CS0001001" changes to state "resolved"
    Then "+14155552671" does not receive a message containing "Update on your case" from "+14155550100"

  @row:NOTIF-5
  Scenario: A consumer who texts START gets no subscription and no update
    Given a consumer "Bea Brown" with mobile phone "+14155552672"
    And a messaging profile links "+14155552672" to consumer "Bea Brown"
    And consumer "Bea Brown" has an open case "CS0001001" about "Router broken"
    When "+14155552672" texts "START" to "+14155550100"
    Then no SMS update subscription is stored
    When case "CS0001001" changes to state "resolved"
    Then "+14155552672" does not receive a message containing "Update on your case" from "+14155550100"

  Scenario: With no conversation under way, the update opens an interaction of its own that closes once sent
    A reply is a first text again (REQ-1): the virtual agent answers it in a new interaction. The
    update goes to the phone the user's profile links, not to a mobile phone on record.
    Given the Conversational SMS provider number "+14155550101"
    And a messaging profile links "+14155559876" to sys_user "Ada Lovelace"
    And sys_user "Ada Lovelace" has an open case "CS0001001" about "Router broken"
    When "+14155559876" texts "START" to "+14155550101"
    And 3 days pass
    Then interaction IMS0001001 is in state "closed_abandoned"
    When case "CS0001001" changes to state "on_hold"
    Then "+14155559876" receives "Update on your case CS0001001 (Router broken): it is now on_hold." from "+14155550101"
    And "+14155552671" has received no messages
    And interaction IMS0001002 is in state "closed_complete"
    And agents see "Closed once sent: an SMS update notification opened it." in IMS0001002
    When "+14155559876" texts "Thanks, when will it be fixed?" to "+14155550101"
    Then "+14155559876" receives "Hi, this is the virtual agent. What can I help you with today?" from "+14155550101"
    And there are 3 interactions
    And the transcript matches the snapshot

  Scenario: In a conversation under way with an agent, the update is posted into it
    Given the virtual agent is off
    And an agent "alice" who is available for SMS
    And sys_user "Ada Lovelace" has an open case "CS0001001" about "Router broken"
    When "+14155552671" texts "START" to "+14155550100"
    And "+14155552671" texts "Is my router fixed?" to "+14155550100"
    And agent "alice" accepts the offered work item
    And case "CS0001001" changes to state "resolved"
    Then "+14155552671" receives "Update on your case CS0001001 (Router broken): it is now resolved." from "+14155550100"
    And there are 2 interactions
    And interaction IMS0001002 is assigned to agent "alice"
    And the transcript of IMS0001002 has 6 messages

  Scenario: An update to a case that does not exist is refused
    When case "CS0009999" changes to state "resolved"
    Then the request is refused with "no sn_customerservice_case named 'CS0009999'"
    And nothing was written and nothing was sent
