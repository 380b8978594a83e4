Feature: Profile validation: a number another record's profile links
  Seeds 000, 001 and 004, "Customer profile validation" (validate_profile and Compose SMS), beyond
  features/phone/validation.feature: seed 001's worked example, and customer contacts.

  Background:
    Given the Conversational SMS provider number "+14155550100"
    And an agent "alice"

  @row:VALIDATE-1
  Scenario: Seed 001's example: consumer A's disconnected number, chosen on a new interaction with consumer B
    Seed 001: the number was associated with consumer A, then disconnected for A (A's record no
    longer has it; only the messaging profile remembers); on a new interaction with consumer B the
    agent selects the same number: a message says it is associated with A, and sending associates
    it with B.
    Given a consumer "Ann Archer" with no mobile phone
    And a consumer "Bea Brown"
    And a messaging profile links "+14155552671" to consumer "Ann Archer"
    And a phone interaction from "+14155552671" for consumer "Bea Brown"
    When the agent validates the profile of "+14155552671" for consumer "Bea Brown"
    Then the agent sees the warning "The phone number +14155552671 is currently associated with consumer Ann Archer."
    When agent "alice" composes "Hello Bea" on interaction IMS0001001 to "+14155552671"
    Then the agent sees the warning "Sending a new message will associate it with consumer Bea Brown."
    And "+14155552671" receives "Hello Bea" from "+14155550100"
    And interaction IMS0001002 is opened for consumer "Bea Brown"
    And "+14155552671" has an active messaging profile linked to consumer "Bea Brown"
    And "+14155552671" has an inactive messaging profile linked to consumer "Ann Archer"
    When the agent validates the profile of "+14155552671" for consumer "Bea Brown"
    Then the agent sees no warning

  @row:VALIDATE-1
  Scenario: Customer contacts' numbers are validated too, the warning naming the contact
    Seed 004: "the user profiles for consumers and customer contacts ... are validated for the SMS
    channel".
    Given a customer contact "Cy Chen" with mobile phone "+14155552672"
    And a messaging profile links "+14155552672" to customer contact "Cy Chen"
    And a customer contact "Dee Dunn"
    When the agent validates the profile of "+14155552672" for customer contact "Dee Dunn"
    Then the agent sees the warning "currently associated with contact Cy Chen"
    When agent "alice" composes "Hello Dee" to "+14155552672" for customer contact "Dee Dunn"
    Then the agent sees the warning "Sending a new message will associate it with contact Dee Dunn"
    And "+14155552672" receives "Hello Dee" from "+14155550100"
    And "+14155552672" has an active messaging profile linked to customer contact "Dee Dunn"
    And "+14155552672" has an inactive messaging profile linked to customer contact "Cy Chen"
