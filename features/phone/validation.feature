Feature: Phone number and profile validation
  Seeds 000, 001 and 004: /api/now/initiate_message/validate_phone_number and validate_profile.

  Background:
    Given the Conversational SMS provider number "+14155550100"
    And an agent "alice"

  @row:PHONE-1
  Scenario: A number already in E.164 is accepted unchanged
    When the agent validates the phone number "+14155552671"
    Then the validation answers "+14155552671" in region "US"
    When agent "alice" composes "Hello" to "+447400123456"
    Then "+447400123456" receives "Hello" from "+14155550100"

  @row:PHONE-2
  Scenario: A known consumer's national number is converted with the consumer's location
    Given a consumer "Ian Isles" located in "GB"
    When the agent validates the phone number "07400 123456" for consumer "Ian Isles"
    Then the validation answers "+447400123456" in region "GB"
    When agent "alice" composes "Hello Ian" to "07400 123456" for consumer "Ian Isles"
    Then "+447400123456" receives "Hello Ian" from "+14155550100"

  @row:PHONE-3
  Scenario: Without a location the default region converts the number
    Given a consumer "Nia Null"
    When the agent validates the phone number "(415) 555-2671" for consumer "Nia Null"
    Then the validation answers "+14155552671" in region "US"
    Given the property "glide.phone_number.default_region" is "GB"
    When the agent validates the phone number "020 7183 8750" for consumer "Nia Null"
    Then the validation answers "+442071838750" in region "GB"
    When the agent validates the phone number "020 7183 8751"
    Then the validation answers "+442071838751" in region "GB"

  @row:PHONE-4
  Scenario: Text that cannot be a phone number is refused and nothing is stored or sent
    When the agent validates the phone number "call me maybe"
    Then the validation is refused with "is not a phone number"
    And nothing was written and nothing was sent
    When the agent validates the phone number "+1 415 555"
    Then the validation is refused with "not a valid number"
    And nothing was written and nothing was sent
    When agent "alice" composes "Hello" to "call me maybe"
    Then the request is refused with "is not a phone number"
    And nothing was written and nothing was sent
    When agent "alice" composes "Hello" to "+1 415 555"
    Then the request is refused with "not a valid number"
    And nothing was written and nothing was sent

  Scenario: A number that is not valid is refused naming the country it was read in
    The error is clear about why (PHONE-4): the number was read as a French one (its +33, or
    the region it was read in) and does not exist in France's numbering plan.
    When the agent validates the phone number "+33 1234"
    Then the validation is refused with "'+33 1234' is not a valid number for FR"
    When the agent validates the phone number "01 23" in region "FR"
    Then the validation is refused with "'01 23' is not a valid number for FR"
    And nothing was written and nothing was sent

  @row:VALIDATE-1
  Scenario: A number linked to consumer A warns, and sending for consumer B re-links it
    Given a consumer "Ann Archer" with mobile phone "+14155552671"
    And a consumer "Bea Brown"
    And a messaging profile links "+14155552671" to consumer "Ann Archer"
    When the agent validates the profile of "+14155552671" for consumer "Bea Brown"
    Then the agent sees the warning "currently associated with consumer Ann Archer"
    When agent "alice" composes "Hello Bea" to "+14155552671" for consumer "Bea Brown"
    Then the agent sees the warning "Sending a new message will associate it with consumer Bea Brown"
    And "+14155552671" has an active messaging profile linked to consumer "Bea Brown"
    And "+14155552671" has an inactive messaging profile linked to consumer "Ann Archer"
    And "+14155552671" receives "Hello Bea" from "+14155550100"
    When the agent validates the profile of "+14155552671" for consumer "Bea Brown"
    Then the agent sees no warning

  @row:VALIDATE-2
  Scenario: An SMS reply from a phone interaction goes to the consumer of that interaction
    Given a consumer "Bea Brown" with mobile phone "+14155552671"
    And a phone interaction for consumer "Bea Brown"
    When agent "alice" composes "Following up on your call" on interaction IMS0001001
    Then "+14155552671" receives "Following up on your call" from "+14155550100"
    And the message went into interaction IMS0001002
    And interaction IMS0001002 is opened for consumer "Bea Brown"
    And interaction IMS0001002 is an active messaging interaction on the SMS channel

  @row:VALIDATE-2
  Scenario: The reply goes to the phone interaction's consumer, not to the number that called
    Given a consumer "Bea Brown" with mobile phone "+14155552671"
    And a phone interaction from "+14155559876" for consumer "Bea Brown"
    When agent "alice" opens Compose SMS on interaction IMS0001001
    Then the Compose SMS form fills To with "+14155552671"
    When agent "alice" composes "Following up on your call" on interaction IMS0001001
    Then "+14155552671" receives "Following up on your call" from "+14155550100"
    And the message went into interaction IMS0001002
    And interaction IMS0001002 is opened for consumer "Bea Brown"

  @row:VALIDATE-2
  Scenario: The reply goes to the phone interaction's consumer even when the number's profile now links someone else
    Given a consumer "Bea Brown" with mobile phone "+14155552671"
    And a consumer "Ann Archer" with mobile phone "+14155552671"
    And a phone interaction for consumer "Bea Brown"
    And a messaging profile links "+14155552671" to consumer "Ann Archer"
    When agent "alice" composes "Following up on your call" on interaction IMS0001001
    Then "+14155552671" receives "Following up on your call" from "+14155550100"
    And the message went into interaction IMS0001002
    And interaction IMS0001002 is opened for consumer "Bea Brown"
    And "+14155552671" has an active messaging profile linked to consumer "Bea Brown"
    And the agent sees the warning "currently associated with consumer Ann Archer"
