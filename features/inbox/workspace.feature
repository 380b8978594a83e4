Feature: The agent's workspace: Workspace Inbox, Ongoing tab and system messages
  Seed 002, "Conversational SMS service channel": workspace agents accept SMS work items from the
  Workspace Inbox and find their assigned SMS conversations in the Ongoing tab, where the tab
  indicator and record highlight show a new message; completed SMS conversations do not display
  there. Requesters in SMS conversations see a limited subset of system messages.

  System messages: agents see every one as an internal line of the transcript; the requester
  receives by SMS only the subset meant for SMS (SystemMessage::sms_text in
  src/domain/work_assignment.rs; every line goes through Engine::post_system_message):

    | system message                  | agents see                                                  | requester gets by SMS                 |
    | waiting in a queue              | Waiting for an agent in <queue>.                            | An agent will be with you shortly.    |
    | an agent accepted               | <agent> joined the conversation.                            | You are now chatting with <agent>.    |
    | a messaging action's prompt     | (the SMS itself)                                            | <text>                                |
    | a keyword's reply               | (the SMS itself)                                            | the reply                             |
    | closed                          | The conversation was closed.                                | This conversation is closed.          |
    | an agent left                   | <agent> left the conversation.                              | (nothing)                             |
    | transferred                     | <from> transferred the conversation to <to>.                | (nothing)                             |
    | an offer rejected               | <agent> rejected the conversation.                          | (nothing)                             |
    | an offer timed out              | The offer to <agent> timed out.                             | (nothing)                             |
    | reassigned by a messaging action| <agent> was removed; the conversation is back in the queue. | (nothing)                             |
    | state changed                   | State changed to <state>.                                   | (nothing)                             |
    | an agent starts by Compose SMS  | <agent> joined the conversation.                            | (nothing)                             |
    | the idle timeout closed it      | The virtual agent closed the conversation after no reply (idle timeout). | This conversation is closed. |
    | a messaging action closed it    | The messaging action '<action>' closed the conversation (<state>).   | This conversation is closed. |
    | only keywords, then idle        | Closed after no reply (idle timeout); only keywords were exchanged, so the requester was not told. | (nothing) |
    | a keyword, virtual agent off    | Closed once answered: a keyword opened it with the virtual agent off, so no agent was offered it. | (nothing) |

  Choices where the seed is silent: "waiting in a queue" is posted once, when the conversation is
  handed to live agents; an agent joining by Compose SMS gets the internal line only (their own SMS
  introduces them); the assigned agent's own reply clears the new-message indicator too; a
  conversation an agent starts with Compose SMS shows in their Ongoing tab; every close that ends
  the conversation tells the requester, whoever closed it (an agent, the idle timeout, a messaging
  action), but one an agent's Compose SMS replaces (AGENT-3, AGENT-4) does not, as the agent's
  message follows.

  Background:
    Given the Conversational SMS provider number "+14155550100"
    And the virtual agent is off

  @row:INBOX-3
  Scenario: A routed SMS work item appears in the agent's Workspace Inbox, to accept or reject
    Given an agent "alice" who is available for SMS
    And an agent "bob" who is available for SMS
    When "+14155552671" texts "Hi" to "+14155550100"
    Then agent "alice"'s Workspace Inbox offers IMS0001001
    And the work item for IMS0001001 is offered to agent "alice"
    And interaction IMS0001001 is assigned to nobody
    And agent "alice"'s Ongoing tab is empty
    When agent "alice" rejects the offered work item
    Then agent "alice"'s Workspace Inbox is empty
    And agent "bob"'s Workspace Inbox offers IMS0001001
    When agent "bob" accepts the offered work item
    Then the work item for IMS0001001 is "accepted"
    And agent "bob"'s Workspace Inbox is empty
    And interaction IMS0001001 is assigned to agent "bob"
    And interaction IMS0001001 is in state "work_in_progress"
    And the live group profile of IMS0001001 is "bob"
    And agent "bob"'s Ongoing tab shows IMS0001001 without a new message
    And the transcript matches the snapshot

  @row:INBOX-1
  Scenario: A new SMS on an agent's conversation shows in the Ongoing tab with a new-message indicator until the agent reads it
    Given an agent "alice" who is available for SMS
    When "+14155552671" texts "Hi" to "+14155550100"
    And agent "alice" accepts the offered work item
    Then agent "alice"'s Ongoing tab shows IMS0001001 without a new message
    And agent "alice"'s Ongoing tab indicator shows no conversations with new messages
    When "+14155552671" texts "Any news on my order?" to "+14155550100"
    Then agent "alice"'s Ongoing tab shows IMS0001001 with a new message
    And agent "alice"'s Ongoing tab indicator shows 1 conversation with new messages
    When agent "alice" reads IMS0001001
    Then agent "alice"'s Ongoing tab shows IMS0001001 without a new message
    And agent "alice"'s Ongoing tab indicator shows no conversations with new messages

  Scenario: The assigned agent's reply clears the new-message indicator; another agent's read does not
    Given an agent "alice" who is available for SMS
    And an agent "bob" who is available for SMS
    When "+14155552671" texts "Hi" to "+14155550100"
    And agent "alice" accepts the offered work item
    And "+14155552671" texts "Hello?" to "+14155550100"
    And agent "bob" reads IMS0001001
    Then agent "alice"'s Ongoing tab shows IMS0001001 with a new message
    And agent "bob"'s Ongoing tab is empty
    When agent "alice" composes "Sorry, I'm here" on interaction IMS0001001
    Then agent "alice"'s Ongoing tab shows IMS0001001 without a new message

  @row:INBOX-2
  Scenario: A completed SMS conversation no longer shows in the Ongoing tab
    Given an agent "alice" who is available for SMS
    When "+14155552671" texts "Hi" to "+14155550100"
    And agent "alice" accepts the offered work item
    And "+14155552672" texts "Hello" to "+14155550100"
    And agent "alice" accepts the offered work item
    And "+14155552671" texts "Thanks, all sorted" to "+14155550100"
    Then agent "alice"'s Ongoing tab shows IMS0001001 with a new message
    And agent "alice"'s Ongoing tab shows IMS0001002 without a new message
    When interaction IMS0001001 is closed
    Then agent "alice"'s Ongoing tab does not show IMS0001001
    And agent "alice"'s Ongoing tab shows IMS0001002 without a new message
    And agent "alice"'s Ongoing tab indicator shows no conversations with new messages
    When interaction IMS0001002 is closed
    Then agent "alice"'s Ongoing tab is empty

  Scenario: A conversation the agent starts shows in their Ongoing tab
    Given an agent "alice"
    And a consumer "Bea Brown" with mobile phone "+14155552671"
    When agent "alice" composes "Hello Bea, about your case" for consumer "Bea Brown"
    Then agent "alice"'s Ongoing tab shows IMS0001001 without a new message
    When "+14155552671" texts "Thanks!" to "+14155550100"
    Then agent "alice"'s Ongoing tab shows IMS0001001 with a new message

  Scenario: An agent who composes into a conversation waiting in the queue takes it
    Given an agent "alice" who is available for SMS
    And an agent "bob"
    And agent "alice" is away
    When "+14155552671" texts "Hi" to "+14155550100"
    Then the work item for IMS0001001 is "pending"
    When agent "bob" composes "Bob here, how can I help?" on interaction IMS0001001
    Then interaction IMS0001001 is assigned to agent "bob"
    And the work item for IMS0001001 is "cancelled"
    And agent "bob"'s Ongoing tab shows IMS0001001 without a new message
    When agent "alice" becomes available
    Then agent "alice"'s Workspace Inbox is empty

  Scenario: An agent replies, then replies and closes: the requester gets the replies, then the close
    Given an agent "alice" who is available for SMS
    When "+14155552671" texts "Where is my parcel?" to "+14155550100"
    And agent "alice" accepts the offered work item
    And agent "alice" replies "It left the depot this morning" in IMS0001001
    Then agent "alice"'s Ongoing tab shows IMS0001001 without a new message
    When "+14155552671" texts "Great, thanks" to "+14155550100"
    And agent "alice" replies "You're welcome, goodbye" and closes IMS0001001
    Then interaction IMS0001001 is closed
    And interaction IMS0001001 is in state "closed_complete"
    And the requester of IMS0001001 receives "You're welcome, goodbye"
    And the requester of IMS0001001 receives "This conversation is closed."
    And "+14155552671" has received 5 messages
    And agent "alice"'s Ongoing tab is empty

  Scenario: An agent closes a conversation without a last word
    Given an agent "alice" who is available for SMS
    When "+14155552671" texts "Never mind" to "+14155550100"
    And agent "alice" accepts the offered work item
    And agent "alice" closes IMS0001001
    Then interaction IMS0001001 is closed
    And the requester of IMS0001001 receives "This conversation is closed."
    And "+14155552671" has received 3 messages

  Scenario Outline: Only the agent a conversation is assigned to can close it
    Choice where the seeds are silent: an agent ends only a conversation they hold, as they
    transfer or leave only one; `When interaction IMS0001001 is closed` closes any record.
    Given an agent "alice" who is available for SMS
    And an agent "bob" who is available for SMS
    And a user "eve" without the agent_workspace_user role
    When "+14155552671" texts "Hi" to "+14155550100"
    And <before>
    And <step>
    Then the request is refused with "<refusal>"
    And nothing was written and nothing was sent
    And interaction IMS0001001 is <state>

    Examples:
      | before                                      | step                                                       | refusal                                                                                                                | state                      |
      | agent "alice" accepts the offered work item | agent "bob" closes IMS0001001                              | IMS0001001 is assigned to alice, not assigned to bob: only the agent it is assigned to can transfer, leave or close it | assigned to agent "alice"  |
      | agent "alice" accepts the offered work item | agent "alcie" closes IMS0001001                            | no sys_user named 'alcie'                                                                                              | assigned to agent "alice"  |
      | agent "alice" accepts the offered work item | agent "eve" closes IMS0001001                              | IMS0001001 is assigned to alice, not assigned to eve                                                                   | assigned to agent "alice"  |
      | agent "alice" accepts the offered work item | agent "Alice" closes IMS0001001                            | no sys_user named 'Alice'; did you mean 'alice'?                                                                       | assigned to agent "alice"  |
      | 1 second passes                             | agent "alice" closes IMS0001001                            | IMS0001001 is waiting for an agent, not assigned to alice                                                              | in state "new"             |
      | interaction IMS0001001 is closed            | agent "alice" closes IMS0001001                            | IMS0001001 is closed (closed_complete): a closed conversation cannot be transferred, left or closed again              | in state "closed_complete" |
      | agent "alice" accepts the offered work item | agent "bob" replies "Hello from bob" and closes IMS0001001 | IMS0001001 is assigned to alice, not assigned to bob                                                                   | assigned to agent "alice"  |

  Scenario: Agents see a requester's MMS with its images, several in one message
    Given an agent "alice" who is available for SMS
    When "+14155552671" texts "Hi" to "+14155550100"
    And agent "alice" accepts the offered work item
    And "+14155552671" texts "Both sides of the damage" with the images "https://example.com/front.png" and "https://example.com/back.jpg" to "+14155550100"
    And "+14155552671" texts "And the receipt" with the file "https://example.com/receipt.pdf" to "+14155550100"
    Then agents see the requester's message "Hi" in IMS0001001
    And agents see the requester's message "Both sides of the damage" with 2 images in IMS0001001
    And agents see the requester's message "And the receipt" with 1 file in IMS0001001
    And agent "alice"'s Ongoing tab shows IMS0001001 with a new message
    And agent "alice"'s Ongoing tab indicator shows 1 conversation with new messages

  Scenario: A file's type is the one the handset gives, not its URL's name
    Given an agent "alice" who is available for SMS
    When "+14155552671" texts "Hi" to "+14155550100"
    And agent "alice" accepts the offered work item
    And "+14155552671" texts "The photo" with the image "https://media.example.com/MEa1b2c3" of type "image/heic" to "+14155550100"
    And "+14155552671" texts "The form" with the file "https://media.example.com/photo.jpg" of type "application/pdf" to "+14155550100"
    Then agents see the requester's message "The photo" with 1 image in IMS0001001
    And agents see the requester's message "The form" with 1 file in IMS0001001

  @row:SYSMSG-1
  Scenario: The requester receives only the system messages meant for SMS; agents see them all
    Given an agent "alice" who is available for SMS
    And an agent "bob" who is available for SMS
    And an agent "carol" who is available for SMS
    When "+14155552671" texts "Hi, I need help" to "+14155550100"
    And agent "alice" rejects the offered work item
    And 60 seconds pass
    And agent "carol" accepts the offered work item
    Then agents see "Waiting for an agent in Conversational SMS." in IMS0001001
    And agents see "alice rejected the conversation." in IMS0001001
    And agents see "The offer to bob timed out." in IMS0001001
    And agents see "carol joined the conversation." in IMS0001001
    And the requester of IMS0001001 receives "An agent will be with you shortly."
    And the requester of IMS0001001 receives "You are now chatting with carol."
    And the requester of IMS0001001 does not receive "alice rejected the conversation."
    And the requester of IMS0001001 does not receive "The offer to bob timed out."
    And the requester of IMS0001001 does not receive "carol joined the conversation."
    And "+14155552671" has received 2 messages
    When interaction IMS0001001 is closed
    Then agents see "The conversation was closed." in IMS0001001
    And the requester of IMS0001001 receives "This conversation is closed."
    And "+14155552671" has received 3 messages
    And the transcript matches the snapshot

  Scenario: A reply in a closed conversation is refused; the agent composes a new message instead
    Choice where the seed is silent: a reply belongs to an open conversation. Composing on the
    closed record would open another one unasked, and could close the requester's current
    conversation (AGENT-3), so the reply is refused and says how to write again.
    Given an agent "alice" who is available for SMS
    When "+14155552671" texts "Hi" to "+14155550100"
    And agent "alice" accepts the offered work item
    And agent "alice" replies "Bye" and closes IMS0001001
    And agent "alice" replies "One more thing" in IMS0001001
    Then the request is refused with "IMS0001001 is closed (closed_complete): a reply goes into an open conversation"
    And nothing was written and nothing was sent
    And there is 1 interaction
    # Closing it again is refused too, and changes nothing.
    When agent "alice" closes IMS0001001
    Then the request is refused with "IMS0001001 is closed (closed_complete): a closed conversation cannot be transferred, left or closed again"
    And interaction IMS0001001 is in state "closed_complete"
    And nothing was written and nothing was sent
