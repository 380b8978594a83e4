Feature: Agent-initiated SMS conversations
  Seeds 000, 001, 002 and 004: what an agent's SMS does to the pair's active interaction.

  Background:
    Given the Conversational SMS provider number "+14155550100"
    And an agent "alice"
    And an agent "bob"
    And a consumer "Bea Brown" with mobile phone "+14155552671"

  @row:AGENT-1
  Scenario: With no active interaction, a new one is opened and assigned to the agent
    When agent "alice" composes "Hello Bea, about your case" for consumer "Bea Brown"
    Then the message went into interaction IMS0001001
    And interaction IMS0001001 is an active messaging interaction on the SMS channel
    And interaction IMS0001001 is opened for consumer "Bea Brown"
    And interaction IMS0001001 is assigned to agent "alice"
    And the live group profile of IMS0001001 is "alice"
    And "+14155552671" receives "Hello Bea, about your case" from "+14155550100"
    And the transcript matches the snapshot

  @row:AGENT-2
  Scenario: With a live agent on the conversation, the message is appended and a new agent joins
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    And agent "bob" composes "Bob here, alice's colleague" on interaction IMS0001001
    Then the message went into interaction IMS0001001
    And there is 1 interaction
    And interaction IMS0001001 is assigned to agent "alice"
    And the live group profile of IMS0001001 is "alice, bob"
    And "+14155552671" has received 2 messages
    And the transcript matches the snapshot

  @row:AGENT-2
  Scenario: The assigned agent writing again does not join twice
    When agent "alice" composes "Hello Bea" for consumer "Bea Brown"
    And agent "alice" composes "One more thing" on interaction IMS0001001
    Then the message went into interaction IMS0001001
    And there is 1 interaction
    And interaction IMS0001001 is assigned to agent "alice"
    And the live group profile of IMS0001001 is "alice"
    And "+14155552671" receives "One more thing" from "+14155550100"
    And "+14155552671" has received 2 messages

  @row:AGENT-3
  Scenario: With the virtual agent on the conversation, it is closed and a new one opened for the agent
    When "+14155552671" texts "Hi" to "+14155550100"
    Then interaction IMS0001001 is assigned to the virtual agent
    When agent "alice" composes "Alice here, I'll take it from here" for consumer "Bea Brown"
    Then interaction IMS0001001 is closed
    And the message went into interaction IMS0001002
    And interaction IMS0001002 is an active messaging interaction on the SMS channel
    And interaction IMS0001002 is assigned to agent "alice"
    And the live group profile of IMS0001002 is "alice"
    And the transcript matches the snapshot

  Scenario: A reply and close in the virtual agent's conversation closes the conversation the reply opened
    When "+14155552671" texts "Hi" to "+14155550100"
    And agent "alice" replies "Sorted, goodbye" and closes IMS0001001
    Then interaction IMS0001001 is closed
    And interaction IMS0001002 is in state "closed_complete"
    And "+14155552671" receives "Sorted, goodbye" from "+14155550100"
    And the requester of IMS0001002 receives "This conversation is closed."

  @row:AGENT-4
  Scenario: With another consumer on the conversation, it is closed and the profile replaced
    Given a consumer "Ann Archer" with mobile phone "+14155552672"
    When agent "alice" composes "Hello Ann" for consumer "Ann Archer"
    And agent "alice" composes "Hello Bea, this is your new number" to "+14155552672" for consumer "Bea Brown"
    Then interaction IMS0001001 is closed
    And interaction IMS0001001 is in state "closed_complete"
    # The handset of the closed conversation is now Bea's: it is told nothing of Ann's closing.
    And "+14155552672" does not receive "This conversation is closed." from "+14155550100"
    And "+14155552672" has received 2 messages
    And "+14155552672" has an inactive messaging profile linked to consumer "Ann Archer"
    And "+14155552672" has an active messaging profile linked to consumer "Bea Brown"
    And "+14155552672" has 2 messaging profiles
    And the message went into interaction IMS0001002
    And interaction IMS0001002 is an active messaging interaction on the SMS channel
    And interaction IMS0001002 is opened for consumer "Bea Brown"
    And interaction IMS0001002 is assigned to agent "alice"
    And the live group profile of IMS0001002 is "alice"

  # AGENT-4 names "a different contact, consumer or user" (seed 002; seed 004: "a different
  # user"): the scenario above is a consumer; these two are a customer contact and a sys_user,
  # each replaced by an agent other than the one who had the conversation.
  @row:AGENT-4
  Scenario: With a customer contact on the conversation, writing for a consumer closes it and replaces the profile
    Given a customer contact "Cy Chen" with mobile phone "+14155552672"
    When agent "alice" composes "Hello Cy" for customer contact "Cy Chen"
    And agent "bob" composes "Hello Bea, this is your new number" to "+14155552672" for consumer "Bea Brown"
    Then interaction IMS0001001 is closed
    And "+14155552672" has an inactive messaging profile linked to customer contact "Cy Chen"
    And "+14155552672" has an active messaging profile linked to consumer "Bea Brown"
    And "+14155552672" has 2 messaging profiles
    And the message went into interaction IMS0001002
    And interaction IMS0001002 is an active messaging interaction on the SMS channel
    And interaction IMS0001002 is opened for consumer "Bea Brown"
    And interaction IMS0001002 is assigned to agent "bob"
    And the live group profile of IMS0001002 is "bob"
    And agent "alice"'s Ongoing tab does not show IMS0001001
    And "+14155552672" receives "Hello Bea, this is your new number" from "+14155550100"
    And "+14155552672" does not receive "This conversation is closed." from "+14155550100"

  @row:AGENT-4
  Scenario: With a sys_user's conversation on the number, writing for a consumer closes it and replaces the profile
    Given the virtual agent is off
    And a sys_user "Ada Lovelace" with mobile phone "+14155552672"
    And an agent "carol" who is available for SMS
    When "+14155552672" texts "Hi, Ada here" to "+14155550100"
    And agent "carol" accepts the offered work item
    Then interaction IMS0001001 is opened for sys_user "Ada Lovelace"
    And "+14155552672" has an active messaging profile linked to sys_user "Ada Lovelace"
    When agent "alice" composes "Hello Bea, this is your new number" to "+14155552672" for consumer "Bea Brown"
    Then interaction IMS0001001 is closed
    And "+14155552672" has an inactive messaging profile linked to sys_user "Ada Lovelace"
    And "+14155552672" has an active messaging profile linked to consumer "Bea Brown"
    And "+14155552672" has 2 messaging profiles
    And the message went into interaction IMS0001002
    And interaction IMS0001002 is an active messaging interaction on the SMS channel
    And interaction IMS0001002 is opened for consumer "Bea Brown"
    And interaction IMS0001002 is assigned to agent "alice"
    And the live group profile of IMS0001002 is "alice"
    And agent "carol"'s Ongoing tab does not show IMS0001001
    And "+14155552672" receives "Hello Bea, this is your new number" from "+14155550100"

  # Pinned reading: composing again from the closed interaction of the earlier consumer is the same
  # row the other way round: the newer interaction closes and the earlier consumer is linked again.
  Scenario: Composing from an interaction whose profile was deactivated re-links the number
    Given a consumer "Ann Archer" with mobile phone "+14155552672"
    When agent "alice" composes "Hello Ann" for consumer "Ann Archer"
    And agent "alice" composes "Hello Bea" to "+14155552672" for consumer "Bea Brown"
    And agent "alice" composes "Ann, one more thing" on interaction IMS0001001
    Then the message went into interaction IMS0001003
    And interaction IMS0001002 is closed
    And interaction IMS0001003 is opened for consumer "Ann Archer"
    And "+14155552672" has an active messaging profile linked to consumer "Ann Archer"
    And "+14155552672" has 3 messaging profiles

  # Pinned reading (the seeds are silent): the guest user is nobody known, so it is never "a
  # different contact, consumer or user" (AGENT-4), both ways. A conversation opened for the guest
  # (the number of no sys_user texted in) joins when an agent writes to the consumer who owns the
  # number, and becomes hers: the interaction and the number's messaging profile are linked to
  # her. With the virtual agent on it, AGENT-3 applies: the guest profile is linked, not replaced.
  Scenario: A guest conversation joins when an agent writes to the consumer who owns the number
    Given the virtual agent is off
    And an agent "carol" who is available for SMS
    When "+14155552671" texts "Hi, it's Bea" to "+14155550100"
    Then interaction IMS0001001 is opened for the guest user
    When agent "carol" accepts the offered work item
    And agent "carol" composes "Hello Bea, I see your order" for consumer "Bea Brown"
    Then the message went into interaction IMS0001001
    And there is 1 interaction
    And interaction IMS0001001 is assigned to agent "carol"
    And interaction IMS0001001 is opened for consumer "Bea Brown"
    And "+14155552671" has an active messaging profile linked to consumer "Bea Brown"
    And "+14155552671" has 1 messaging profile
    And "+14155552671" receives "Hello Bea, I see your order" from "+14155550100"

  Scenario: With the virtual agent on a guest conversation, the number keeps its profile, now linked to the consumer
    When "+14155552671" texts "Hi" to "+14155550100"
    Then interaction IMS0001001 is opened for the guest user
    When agent "alice" composes "Alice here" for consumer "Bea Brown"
    Then interaction IMS0001001 is closed
    And the message went into interaction IMS0001002
    And interaction IMS0001002 is opened for consumer "Bea Brown"
    And "+14155552671" has an active messaging profile linked to consumer "Bea Brown"
    And "+14155552671" has 1 messaging profile

  @row:AGENT-5
  Scenario: Compose SMS shows the ongoing conversation with the number
    Given the virtual agent is off
    And an agent "carol" who is available for SMS
    When "+14155552671" texts "Are you there?" to "+14155550100"
    And agent "alice" opens Compose SMS for consumer "Bea Brown"
    Then the Compose SMS form shows the ongoing interaction IMS0001001
    When agent "alice" opens Compose SMS on interaction IMS0001001
    Then the Compose SMS form shows the ongoing interaction IMS0001001

  @row:AGENT-5
  Scenario: With several provider numbers, Compose SMS shows the conversation on whichever number the requester texted
    Given the Conversational SMS provider number "+14155550101"
    And the virtual agent is off
    And an agent "carol" who is available for SMS
    When "+14155552671" texts "Are you there?" to "+14155550101"
    And agent "alice" opens Compose SMS for consumer "Bea Brown"
    Then the Compose SMS form offers From "+14155550100" and "+14155550101" with none preselected
    And the Compose SMS form shows the ongoing interaction IMS0001001

  @row:AGENT-5
  Scenario: Compose SMS shows no ongoing conversation when there is none
    When agent "alice" opens Compose SMS for consumer "Bea Brown"
    Then the Compose SMS form shows no ongoing interaction
