Feature: Delivery status callbacks
  Twilio posts StatusCallback reports (§3.1 of the Twilio reference) to the engine's /sms/status,
  signed with X-Twilio-Signature. The transcript shows each message's latest status; a late,
  duplicated or out-of-order report never moves a message back. A message Twilio reports
  undelivered, failed or canceled does not count as received by the handset.

  Background:
    Given the Conversational SMS provider number "+14155550100"
    And an agent "alice"
    And a consumer "Bea Brown" with mobile phone "+14155552671"
    When agent "alice" composes "Your parcel is on its way" for consumer "Bea Brown"
    Then message #2 of IMS0001001 has status "queued"

  @row:PROVIDER-3
  Scenario: Reports move the message forward and never back
    When Twilio reports message #2 of IMS0001001 as "sending"
    Then message #2 of IMS0001001 has status "sending"
    When Twilio reports message #2 of IMS0001001 as "sent"
    Then message #2 of IMS0001001 has status "sent"
    When Twilio reports message #2 of IMS0001001 as "delivered"
    Then message #2 of IMS0001001 has status "delivered"
    When Twilio reports message #2 of IMS0001001 as "sent"
    Then message #2 of IMS0001001 has status "delivered"
    When Twilio reports message #2 of IMS0001001 as "delivered"
    Then message #2 of IMS0001001 has status "delivered"
    And the transcript matches the snapshot

  @row:PROVIDER-3
  Scenario: An undelivered report records the carrier's error
    When Twilio reports message #2 of IMS0001001 as "undelivered" with error 30003
    Then message #2 of IMS0001001 has status "undelivered" with error 30003
    And agents see the delivery error "error 30003: The handset is switched off or out of coverage." on message #2 of IMS0001001
    And "+14155552671" has received 0 messages
    When Twilio reports message #2 of IMS0001001 as "delivered"
    Then message #2 of IMS0001001 has status "undelivered" with error 30003
    And the transcript matches the snapshot

  @row:PROVIDER-3
  Scenario: A failed report records the error
    When Twilio reports message #2 of IMS0001001 as "failed" with error 30008
    Then message #2 of IMS0001001 has status "failed" with error 30008
    And agents see the delivery error "The carrier reported an unknown error." on message #2 of IMS0001001
    And "+14155552671" has received 0 messages

  # Messages can be named two ways: as the transcript numbers them (every line, the agents'
  # internal lines too: #1 here is "alice joined the conversation.") or as the requester saw them
  # (what the handset received, oldest first).
  Scenario: A message is named by the transcript's numbering or by the requester's
    When agent "alice" composes "The courier calls ahead" on interaction IMS0001001
    And Twilio reports the 1st message "+14155552671" received as "delivered"
    Then message #2 of IMS0001001 has status "delivered"
    And the 1st message "+14155552671" received has status "delivered"
    And the 2nd message "+14155552671" received has status "queued"
    When Twilio reports message #3 of IMS0001001 as "undelivered" with error 30003
    Then the 2nd message "+14155552671" received has status "undelivered" with error 30003
