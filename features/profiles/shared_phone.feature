Feature: A household's phone: two people on one number
  A sys_user and a consumer with the same mobile phone (the soak's households, 3% of its known
  requesters). Whom the number's messaging profile links decides whom a text from it is from
  (seed 002, PROFILE-4), and an agent writing to the other person on it gives them a profile of
  their own (AGENT-4). Found worth a scenario by the soak's invariant 11: both engine mistakes
  below were shrunk from a soak to these steps.

  Background:
    Given the Conversational SMS provider numbers "+14155550100" and "+14155550101"
    And the virtual agent is off
    And an agent "alice" who is available for SMS
    And a sys_user "Ada Lovelace" with mobile phone "+14155552671"
    And a consumer "Bea Brown" with mobile phone "+14155552671"

  Scenario: After an agent writes to Bea, a text from the phone is Bea's, not the sys_user's
    When agent "alice" composes "Your parcel is here" from "+14155550101" to "+14155552671" for consumer "Bea Brown"
    Then "+14155552671" has an active messaging profile linked to consumer "Bea Brown"
    When "+14155552671" texts "Thanks! Is it the blue one?" to "+14155550100"
    Then interaction IMS0001002 is opened for consumer "Bea Brown"
    And every soak invariant holds

  Scenario: Ada texts first; an agent then writes to Bea from another number: Bea gets a profile of her own
    When "+14155552671" texts "Hi" to "+14155550100"
    Then interaction IMS0001001 is opened for sys_user "Ada Lovelace"
    When agent "alice" composes "Hello Bea" from "+14155550101" to "+14155552671" for consumer "Bea Brown"
    Then "+14155552671" has an active messaging profile linked to consumer "Bea Brown"
    And "+14155552671" has an inactive messaging profile linked to sys_user "Ada Lovelace"
    And interaction IMS0001002 is opened for consumer "Bea Brown"
    And every soak invariant holds
