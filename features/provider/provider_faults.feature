Feature: The provider refuses, fails and loses things; the engine loses nothing
  Twilio's behaviour (the Twilio reference, §3, §5, §7) simulated with its faults. Whatever Twilio
  does, no message is lost, none is sent twice, and no status moves backwards.

  Background:
    Given the Conversational SMS provider number "+14155550100"
    And the virtual agent is off
    And an agent "alice" who is available for SMS
    And a consumer "Bea Brown" with mobile phone "+14155552671"

  @row:PROVIDER-2
  Scenario: An opted-out requester: the agent sees Twilio's error, the failed message stays, START lifts the block
    When "+14155552671" texts "Hi, I need help" to "+14155550100"
    And agent "alice" accepts the offered work item
    And "+14155552671" texts "STOP" to "+14155550100"
    Then "+14155552671" receives "You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe." from "+14155550100"
    And the transcript of IMS0001001 has 6 messages
    When agent "alice" composes "Are you still there?" on interaction IMS0001001
    Then the request is refused with "Attempt to send to unsubscribed recipient"
    And the request is refused with "they must text START before you can message them again"
    And the transcript of IMS0001001 ends with a failed message with error 21610
    When "+14155552671" texts "START" to "+14155550100"
    And agent "alice" composes "Welcome back" on interaction IMS0001001
    Then "+14155552671" receives "Welcome back" from "+14155550100"
    And there is 1 interaction
    And the transcript matches the snapshot

  @row:PROVIDER-2
  Scenario: A number that cannot take SMS: the agent sees why and the failed message stays
    Given the handset "+14155552671" is not a mobile number
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    Then the request is refused with "is not a mobile number"
    And the request is refused with "cannot receive SMS"
    And the transcript of IMS0001001 ends with a failed message with error 21614
    And agents see the delivery error "error 21614" on message #2 of IMS0001001
    And "+14155552671" has received no messages
    And the transcript matches the snapshot

  @row:PROVIDER-3
  Scenario: The simulated Twilio's callbacks take the message to delivered
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    Then message #2 of IMS0001001 has status "queued"
    When 1 minute passes
    Then message #2 of IMS0001001 has status "delivered"
    And the transcript matches the snapshot

  @row:PROVIDER-3
  Scenario: An unreachable handset ends undelivered with the carrier's error
    Given the handset "+14155552671" is unreachable
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    And 1 minute passes
    Then message #2 of IMS0001001 has status "undelivered" with error 30003
    And the transcript of IMS0001001 ends with an undelivered message with error 30003
    And agents see the delivery error "error 30003: Unreachable destination handset. The handset is switched off or out of coverage." on message #2 of IMS0001001
    And agents see the delivery error "The handset is switched off or out of coverage." on message #2 of IMS0001001
    And "+14155552671" has received no messages

  Scenario: A failed carrier ends failed with its error
    Given the handset "+14155552671" is failing with an unknown error
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    And 1 minute passes
    Then message #2 of IMS0001001 has status "failed" with error 30008
    And the last message sent in IMS0001001 has status "failed" with error 30008
    And agents see the delivery error "error 30008: Unknown error. The carrier reported an unknown error." on message #2 of IMS0001001

  Scenario: Duplicated callbacks change nothing twice
    Given Twilio duplicates every status callback
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    And 1 minute passes
    Then message #2 of IMS0001001 has status "delivered"
    And "+14155552671" has received 1 message

  Scenario: Reordered callbacks never move a status back
    Given Twilio reorders status callbacks
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    And 1 minute passes
    Then message #2 of IMS0001001 has status "delivered"
    And every soak invariant holds

  Scenario: Delayed callbacks arrive when their time comes
    Given Twilio delays every status callback by 120 seconds
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    And 1 minute passes
    Then message #2 of IMS0001001 has status "queued"
    When 3 minutes pass
    Then message #2 of IMS0001001 has status "delivered"

  Scenario: Dropped callbacks: after 10 minutes the engine asks Twilio
    Given Twilio drops every status callback
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    And 5 minutes pass
    Then message #2 of IMS0001001 has status "queued"
    When 6 minutes pass
    Then message #2 of IMS0001001 has status "delivered"

  Scenario: A message Twilio no longer has settles as failed with 20404, its fate unknown
    Choice where the seeds are silent: asked about a message it has no record of (deleted by
    the account, or a simulator restarted without its messages), Twilio answers 404 (20404) and
    always will, so the engine stops asking and says what it knows.
    Given Twilio drops every status callback
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    And 1 minute passes
    And Twilio deletes message #2 of IMS0001001
    And 10 minutes pass
    Then message #2 of IMS0001001 has status "failed" with error 20404
    And the transcript of IMS0001001 ends with a failed message with error 20404
    And the transcript matches the snapshot

  Scenario: Twilio answering 500 delays the message; it goes out once when Twilio recovers
    Given Twilio answers every send with HTTP 500
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    Then the request is refused with "the SMS provider is unavailable: Twilio answered HTTP 500: Internal Server Error (Twilio error 20500); the message is kept and sent again at 2026-01-05 09:00:30 UTC"
    And message #2 of IMS0001001 has status "retrying"
    # Refused at 09:00:00 and again at 09:00:30; the next attempt is 60 seconds later.
    When 1 minute passes
    Then message #2 of IMS0001001 has status "retrying"
    Given Twilio answers sends normally again
    When 29 seconds pass
    Then message #2 of IMS0001001 has status "retrying"
    When 1 second passes
    Then message #2 of IMS0001001 has status "queued"
    When 1 minute passes
    Then message #2 of IMS0001001 has status "delivered"
    And "+14155552671" has received 1 message
    And the transcript matches the snapshot

  Scenario: Twilio created the message but its answer was lost: the engine finds it and sends it once
    Choice where the seeds and Twilio's reference are silent: a 500 does not say whether Twilio
    created the message (an answer lost on the way reads the same), so before sending again the
    engine looks in Twilio's list for a message from its number to the handset with the same
    text, created since the send, that no transcript row holds; found, it is the send's.
    Given Twilio answers the next send with HTTP 500 after creating the message
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    Then message #2 of IMS0001001 has status "queued"
    When 1 minute passes
    Then message #2 of IMS0001001 has status "delivered"
    And "+14155552671" has received 1 message
    And every soak invariant holds
    And the transcript matches the snapshot

  Scenario: A lost answer is matched to a message no row holds, not to an earlier one with the same text
    The earlier "Hello Bea" is within the minute before the send that the engine looks back.
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    And 30 seconds pass
    Given Twilio answers the next send with HTTP 500 after creating the message
    When agent "alice" composes "Hello Bea" on interaction IMS0001001
    Then message #3 of IMS0001001 has status "queued"
    When 1 minute passes
    Then message #2 of IMS0001001 has status "delivered"
    And message #3 of IMS0001001 has status "delivered"
    And "+14155552671" has received 2 messages
    And every soak invariant holds

  Scenario: A lost answer the message list cannot confirm is looked for again before any retry sends
    Choice where the seeds and Twilio's reference are silent: when Twilio's list does not answer
    either, the engine cannot tell whether the message went out, so it sends nothing blind; the
    retry looks in the list first, and sends only if the message is not there.
    Given Twilio answers the next send with HTTP 500 after creating the message
    And Twilio answers the next 2 message lists with HTTP 500
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    Then the request is refused with "the SMS provider is unavailable: Twilio answered HTTP 500: Internal Server Error (Twilio error 20500); the message is kept and sent again at 2026-01-05 09:00:30 UTC"
    And message #2 of IMS0001001 has status "retrying"
    # 09:00:30: the list fails again; nothing is sent, no attempt is counted.
    When 30 seconds pass
    Then message #2 of IMS0001001 has status "retrying"
    And "+14155552671" has received 1 message
    # 09:01:00: the list answers, and the message the lost answer created is the send's.
    When 30 seconds pass
    Then message #2 of IMS0001001 has status "delivered"
    And "+14155552671" has received 1 message
    And every soak invariant holds
    And the transcript matches the snapshot

  Scenario: Twilio created the message but no answer came: the retry finds it and sends nothing
    Choice where the seeds and Twilio's reference are silent: with no answer at all (a timeout,
    a reset) the engine does not look in Twilio's list at once, where a look would wait as long
    again; the retry looks first, and the message found there is the send's.
    Given Twilio answers the next send with no answer after creating the message
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    Then the request is refused with "the SMS provider did not answer"
    And message #2 of IMS0001001 has status "retrying"
    When 30 seconds pass
    Then message #2 of IMS0001001 has status "delivered"
    And "+14155552671" has received 1 message
    And every soak invariant holds
    And the transcript matches the snapshot

  Scenario: A 500 that created nothing, the message list down: the retry finds nothing and sends
    Given Twilio answers the next send with HTTP 500
    And Twilio answers the next message list with HTTP 429
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    Then the request is refused with "Twilio answered HTTP 500"
    And message #2 of IMS0001001 has status "retrying"
    And "+14155552671" has received no messages
    When 30 seconds pass
    Then message #2 of IMS0001001 has status "queued"
    When 1 minute passes
    Then message #2 of IMS0001001 has status "delivered"
    And "+14155552671" has received 1 message
    And every soak invariant holds

  Scenario: Twilio rate-limiting (429) is retried too, and given up after five attempts
    Given Twilio answers every send with HTTP 429
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    Then the request is refused with "Twilio is rate-limiting this account: try again shortly. See https://www.twilio.com/docs/errors/20429; the message is kept and sent again at 2026-01-05 09:00:30 UTC"
    And message #2 of IMS0001001 has status "retrying" with error 20429
    When 30 minutes pass
    And 30 minutes pass
    And 30 minutes pass
    And 30 minutes pass
    Then message #2 of IMS0001001 has status "failed" with error 20429
    And "+14155552671" has received no messages

  Scenario: Twilio refuses the next two sends with 429: the third attempt goes out, once
    Given Twilio answers the next 2 sends with HTTP 429
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    Then the request is refused with "Twilio is rate-limiting this account: try again shortly. See https://www.twilio.com/docs/errors/20429; the message is kept and sent again at 2026-01-05 09:00:30 UTC"
    And message #2 of IMS0001001 has status "retrying" with error 20429
    # Refused again at 09:00:30; the third attempt, 60 seconds later, is taken.
    When 30 seconds pass
    Then message #2 of IMS0001001 has status "retrying" with error 20429
    When 59 seconds pass
    Then message #2 of IMS0001001 has status "retrying" with error 20429
    When 1 second passes
    Then message #2 of IMS0001001 has status "queued"
    When 1 minute passes
    Then message #2 of IMS0001001 has status "delivered"
    And "+14155552671" has received 1 message
    When agent "alice" composes "Anything else?" on interaction IMS0001001
    And 1 minute passes
    Then message #3 of IMS0001001 has status "delivered"
    And every soak invariant holds
    And the transcript matches the snapshot

  Scenario: One status callback lost: the message waits at queued until the next one comes
    Given Twilio drops the next status callback
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    And 2 seconds pass
    Then message #2 of IMS0001001 has status "queued"
    When 1 minute passes
    Then message #2 of IMS0001001 has status "delivered"
    # The rule is spent: the next message's "sent" arrives.
    When agent "alice" composes "Anything else?" on interaction IMS0001001
    And 2 seconds pass
    Then message #3 of IMS0001001 has status "sent"

  Scenario: The next inbound webhook times out: the engine keeps the text, the next one is answered
    Given Twilio times out on the next inbound webhook
    When "+14155552671" texts "Hi, I need help" to "+14155550100"
    Then the request is refused with "timed out (injected fault)"
    And the transcript of IMS0001001 has 3 messages
    And the last message "+14155552671" received reads "An agent will be with you shortly."
    When "+14155552671" texts "Are you there?" to "+14155550100"
    Then the transcript of IMS0001001 has 4 messages
    And there is 1 interaction
    And every soak invariant holds

  Scenario: Refused sends back off 30, 60, 120 and 240 seconds; the fifth refusal is the last
    Choice where the seeds are silent (src/engine/delivery.rs): at most 5 attempts, the wait
    before each retry doubling from 30 seconds. Attempts at 09:00:00, 09:00:30, 09:01:30,
    09:03:30 and 09:07:30; the fifth refusal fails the message for good.
    Given Twilio answers every send with HTTP 429
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    Then the request is refused with "the message is kept and sent again at 2026-01-05 09:00:30 UTC"
    When 449 seconds pass
    Then message #2 of IMS0001001 has status "retrying" with error 20429
    When 1 second passes
    Then message #2 of IMS0001001 has status "failed" with error 20429
    And "+14155552671" has received no messages
    And the transcript matches the snapshot

  Scenario: A lost answer Twilio's list cannot confirm for a day fails, its fate unknown, and is never sent again
    Choice where the seeds and Twilio's reference are silent: the engine looks in Twilio's list
    before any retry, at growing intervals (at most an hour apart); after a day without an
    answer it stops looking and the message fails, saying its delivery is unknown. The first
    look at or after 09:00 the next day is at 09:04:00.
    Given Twilio answers the next send with HTTP 500 after creating the message
    And Twilio answers the next 40 message lists with HTTP 500
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    Then the request is refused with "Twilio answered HTTP 500"
    And message #2 of IMS0001001 has status "retrying"
    When 1 day passes
    Then message #2 of IMS0001001 has status "retrying"
    When 4 minutes pass
    Then message #2 of IMS0001001 has status "failed"
    And agents see the delivery error "Whether this message reached the handset is unknown: the answer to a send was lost, and the provider's list could not say for a day (the SMS provider is unavailable: Twilio answered HTTP 500: Internal Server Error (Twilio error 20500))." on message #2 of IMS0001001
    And "+14155552671" has received 1 message
    Given Twilio answers message lists normally again
    When 12 hours pass
    Then message #2 of IMS0001001 has status "failed"
    And "+14155552671" has received 1 message

  Scenario: A message left at "sent" by a lost callback is asked about after 10 minutes
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    And 2 seconds pass
    Then message #2 of IMS0001001 has status "sent"
    Given Twilio drops every status callback
    When 9 minutes pass
    Then message #2 of IMS0001001 has status "sent"
    When 2 minutes pass
    Then message #2 of IMS0001001 has status "delivered"
