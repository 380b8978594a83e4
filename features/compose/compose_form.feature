Feature: The Compose SMS form
  Seed 004, "Compose SMS form", and seed 000 (extension point).

  Background:
    Given an agent "alice"
    And a consumer "Bea Brown" with mobile phone "+14155552671"

  @row:COMPOSE-1
  Scenario: Without a messaging provider Compose SMS is not offered
    When agent "alice" opens Compose SMS for consumer "Bea Brown"
    Then the request is refused with "no messaging provider number is configured"
    And nothing was written and nothing was sent
    When agent "alice" composes "Hello" for consumer "Bea Brown"
    Then the request is refused with "Compose SMS is not available"
    And nothing was written and nothing was sent

  @row:COMPOSE-2
  Scenario: With one provider number, From is set to it
    Given the Conversational SMS provider number "+14155550100"
    When agent "alice" opens Compose SMS for consumer "Bea Brown"
    Then the Compose SMS form preselects From "+14155550100"
    When agent "alice" composes "Hello" for consumer "Bea Brown"
    Then "+14155552671" receives "Hello" from "+14155550100"
    And message #2 of IMS0001001 reads "Hello"
    And the last message "+14155552671" received reads "Hello"

  @row:COMPOSE-3
  Scenario: With several provider numbers the agent chooses From among them
    Given the Conversational SMS provider numbers "+14155550100" and "+14155550101"
    When agent "alice" opens Compose SMS for consumer "Bea Brown"
    Then the Compose SMS form offers From "+14155550100" and "+14155550101" with none preselected
    When agent "alice" composes "Hello" for consumer "Bea Brown"
    Then the request is refused with "choose a From number"
    And nothing was written and nothing was sent
    Given "+14155550199" is a ServiceNowTwilioDirect number
    When agent "alice" composes "Hello" from "+14155550199" for consumer "Bea Brown"
    Then the request is refused with "+14155550199 is not a provider number you can send from"
    And nothing was written and nothing was sent
    When agent "alice" composes "Hello" from "+14155550101" for consumer "Bea Brown"
    Then "+14155552671" receives "Hello" from "+14155550101"

  Scenario: In a conversation, From is the number the requester texted, however many there are
    Choice where the seeds are silent: COMPOSE-3 makes the agent choose From for a new message;
    a reply in an open SMS conversation, to its requester, goes from the number that conversation
    uses (REQ-2: the same conversation continues), so the form preselects it and the reply needs
    no choice. Once the conversation is closed, a message is a new one again.
    Given the Conversational SMS provider numbers "+14155550100" and "+14155550101"
    And the virtual agent is off
    When agent "alice" becomes available
    And "+14155552671" texts "Hi" to "+14155550101"
    And agent "alice" accepts the offered work item
    And agent "alice" opens Compose SMS on interaction IMS0001001
    Then the Compose SMS form preselects From "+14155550101"
    When agent "alice" replies "Hello from us" in IMS0001001
    Then "+14155552671" receives "Hello from us" from "+14155550101"
    And interaction IMS0001001 is assigned to agent "alice"
    When agent "alice" replies "Bye" and closes IMS0001001
    Then "+14155552671" receives "Bye" from "+14155550101"
    And interaction IMS0001001 is in state "closed_complete"
    # Closed, it is a new message again: the agent chooses From.
    When agent "alice" composes "One more thing" on interaction IMS0001001
    Then the request is refused with "choose a From number"

  Scenario: In a conversation, To is the number the requester texts from, even one a profile links
    Choice where the seeds are silent, as for From above: a reply in an open SMS conversation goes
    to the number that conversation is with (REQ-2: the same conversation continues), not to the
    requester's mobile phone, which would open another conversation and leave this one unanswered.
    Once the conversation is closed, To is the person's number again (COMPOSE-4).
    Given the Conversational SMS provider number "+14155550100"
    And the virtual agent is off
    And a messaging profile links "+14155552679" to consumer "Bea Brown"
    When agent "alice" becomes available
    And "+14155552679" texts "Hi, it's Bea from my work phone" to "+14155550100"
    Then interaction IMS0001001 is opened for consumer "Bea Brown"
    When agent "alice" accepts the offered work item
    And agent "alice" opens Compose SMS on interaction IMS0001001
    Then the Compose SMS form fills To with "+14155552679"
    When agent "alice" replies "Hello Bea" in IMS0001001
    Then "+14155552679" receives "Hello Bea" from "+14155550100"
    And the message went into interaction IMS0001001
    And there is 1 interaction
    And "+14155552671" has received 0 messages
    When agent "alice" replies "Bye" and closes IMS0001001
    And agent "alice" opens Compose SMS on interaction IMS0001001
    Then the Compose SMS form fills To with "+14155552671"

  Scenario: Composing on a conversation for another record writes to that record's number
    Naming another requester is writing to them: To is their number, not the number the
    conversation's requester texts from.
    Given the Conversational SMS provider number "+14155550100"
    And the virtual agent is off
    And a consumer "Ann Archer" with mobile phone "+14155552672"
    When agent "alice" becomes available
    And "+14155552671" texts "Hi" to "+14155550100"
    And agent "alice" accepts the offered work item
    And agent "alice" composes "Hello Ann" on interaction IMS0001001 for consumer "Ann Archer"
    Then "+14155552672" receives "Hello Ann" from "+14155550100"
    And "+14155552671" does not receive "Hello Ann" from "+14155550100"
    And the message went into interaction IMS0001002
    And interaction IMS0001002 is opened for consumer "Ann Archer"
    And interaction IMS0001001 is assigned to agent "alice"

  @row:COMPOSE-4
  Scenario: To defaults to the interaction's consumer or contact number in E.164
    Given the Conversational SMS provider number "+14155550100"
    And a consumer "Ian Isles" with mobile phone "07400 123456" located in "GB"
    And a customer contact "Cy Chen" with mobile phone "(415) 555-2672"
    And a phone interaction for consumer "Ian Isles"
    And a phone interaction for customer contact "Cy Chen"
    When agent "alice" opens Compose SMS on interaction IMS0001001
    Then the Compose SMS form fills To with "+447400123456"
    When agent "alice" opens Compose SMS on interaction IMS0001002
    Then the Compose SMS form fills To with "+14155552672"

  Scenario: A person with no phone: To stays empty and the agent must type a number under Other
    Given the Conversational SMS provider number "+14155550100"
    And a customer contact "Dee Dunn" with no mobile phone
    Then the customer contact "Dee Dunn" has no mobile phone
    When agent "alice" composes "Hello Dee" for customer contact "Dee Dunn"
    Then the request is refused with "no To number: the interaction's requester has no phone; choose Other and type one"
    And nothing was written and nothing was sent
    When agent "alice" composes "Hello Dee" to "(415) 555-2673" for customer contact "Dee Dunn"
    Then "+14155552673" receives "Hello Dee" from "+14155550100"
    And interaction IMS0001001 is opened for customer contact "Dee Dunn"

  Scenario: A message that names nobody and no number is refused, saying so
    Given the Conversational SMS provider number "+14155550100"
    When agent "alice" composes "Hello"
    Then the request is refused with "no To number: the message names no interaction and no requester to send to; name one, or choose Other and type a number"
    And nothing was written and nothing was sent

  @row:COMPOSE-5
  Scenario: A number typed under Other is converted to E.164, or refused
    Given the Conversational SMS provider number "+14155550100"
    When agent "alice" composes "Hello" to "(415) 555-2672" for consumer "Bea Brown"
    Then "+14155552672" receives "Hello" from "+14155550100"
    When agent "alice" composes "Hello" to "call me maybe" for consumer "Bea Brown"
    Then the request is refused with "is not a phone number"
    And nothing was written and nothing was sent
    When agent "alice" composes "Hello" to "" for consumer "Bea Brown"
    Then the request is refused with "the phone number is empty; expected a number such as +14155552671"
    And nothing was written and nothing was sent

  @row:COMPOSE-6
  Scenario: Images are accepted, other files only when an administrator allows them
    Given the Conversational SMS provider number "+14155550100"
    When agent "alice" composes "Your invoice" with the attachment "invoice.pdf" of type "application/pdf" for consumer "Bea Brown"
    Then the request is refused with "attachments of type application/pdf are not allowed"
    And nothing was written and nothing was sent
    When agent "alice" composes "" with the attachment "photo.png" of type "image/png" for consumer "Bea Brown"
    Then "+14155552671" receives a message with 1 image from "+14155550100"
    Given the property "com.glide.cs.sms.attachment.allowed_types" is "image/*, application/pdf"
    When agent "alice" composes "Your invoice" with the attachment "invoice.pdf" of type "application/pdf" for consumer "Bea Brown"
    Then "+14155552671" receives "Your invoice" with 1 file from "+14155550100"
    And "+14155552671" receives "" with 1 image from "+14155550100"
    And "+14155552671" has received 2 messages

  @row:COMPOSE-7
  Scenario: A user without the agent_workspace_user role cannot compose
    Given the Conversational SMS provider number "+14155550100"
    And a user "eve" without the agent_workspace_user role
    When agent "eve" opens Compose SMS for consumer "Bea Brown"
    Then the request is refused with "eve lacks the agent_workspace_user role"
    When agent "eve" composes "Hello" for consumer "Bea Brown"
    Then the request is refused with "eve lacks the agent_workspace_user role"
    And nothing was written and nothing was sent

  @row:COMPOSE-8
  Scenario: A customer's send-from/send-to extension replaces the default numbers
    Given the Conversational SMS provider numbers "+14155550100" and "+14155550101"
    And a send-from/send-to extension that sends from "+14155550101" to "+14155552672"
    When agent "alice" opens Compose SMS for consumer "Bea Brown"
    Then the Compose SMS form preselects From "+14155550101"
    And the Compose SMS form fills To with "+14155552672"
    When agent "alice" composes "Hello" for consumer "Bea Brown"
    Then "+14155552672" receives "Hello" from "+14155550101"
    And "+14155552671" has received no messages
    # The engine's own extension again (what a restarted convsms serve answers with): every
    # provider number to choose from, and the consumer's own phone.
    Given the default send-from/send-to extension
    When agent "alice" opens Compose SMS for consumer "Bea Brown"
    Then the Compose SMS form fills To with "+14155552671"

  @row:COMPOSE-9
  Scenario: An empty message with no attachment is refused
    Given the Conversational SMS provider number "+14155550100"
    When agent "alice" composes "" for consumer "Bea Brown"
    Then the request is refused with "the message is empty"
    And nothing was written and nothing was sent
    When agent "alice" composes "   " for consumer "Bea Brown"
    Then the request is refused with "the message is empty"
    And nothing was written and nothing was sent

  Scenario: Composing on an interaction that does not exist is refused
    Given the Conversational SMS provider number "+14155550100"
    When agent "alice" composes "Hello" on interaction IMS0009999
    Then the request is refused with "no interaction IMS0009999"
    And nothing was written and nothing was sent
    When agent "alice" opens Compose SMS on interaction IMS0009999
    Then the request is refused with "no interaction IMS0009999"
    When agent "alice" replies "Hello" in IMS0009999
    Then the request is refused with "no interaction IMS0009999"
    And nothing was written and nothing was sent
    When agent "alice" reads IMS0009999
    Then the request is refused with "no interaction IMS0009999"

  Scenario: An agent who does not exist cannot compose
    Given the Conversational SMS provider number "+14155550100"
    When agent "mallory" composes "Hello" for consumer "Bea Brown"
    Then the request is refused with "no sys_user named 'mallory'"
    And nothing was written and nothing was sent

  @row:COMPOSE-3
  Scenario: A provider number the agent types by hand is read as a number, not as text
    Seeds 000-002: "agents can select a provider number for an outbound service or manually enter
    a provider number". Typed with spaces and punctuation, it is still the provider number, and
    typed as a national number it is read in the instance's default region (as Other's To is
    without a known location: PHONE-3).
    Given the Conversational SMS provider numbers "+14155550100" and "+14155550101"
    When agent "alice" composes "Hello" for consumer "Bea Brown"
    Then the request is refused with "choose a From number"
    When agent "alice" composes "Hello" from "+1 (415) 555-0199" for consumer "Bea Brown"
    Then the request is refused with "+1 (415) 555-0199 is not a provider number you can send from"
    And nothing was written and nothing was sent
    When agent "alice" composes "Hello" from "(415) 555-0199" for consumer "Bea Brown"
    Then the request is refused with "(415) 555-0199 is not a provider number you can send from"
    And nothing was written and nothing was sent
    When agent "alice" composes "Hello" from "+1 (415) 555-0101" for consumer "Bea Brown"
    Then "+14155552671" receives "Hello" from "+14155550101"
    And interaction IMS0001001 is between "+14155552671" and "+14155550101"
    When agent "alice" composes "Hello again" from "(415) 555-0100" for consumer "Bea Brown"
    Then "+14155552671" receives "Hello again" from "+14155550100"
    And interaction IMS0001002 is between "+14155552671" and "+14155550100"

  @row:PHONE-1
  Scenario: An E.164 number keeps its own country, whatever the consumer's location
    Seed 000: only a number "not in the E.164 format" is converted with the consumer's location;
    one already in E.164 is accepted as it is, so a GB consumer's US number stays a US number,
    in validate_phone_number and typed under Other.
    Given the Conversational SMS provider number "+14155550100"
    And a consumer "Ian Isles" located in "GB"
    When the agent validates the phone number "+14155552671" for consumer "Ian Isles"
    Then the validation answers "+14155552671" in region "US"
    When agent "alice" composes "Hello Ian" to "+14155552671" for consumer "Ian Isles"
    Then "+14155552671" receives "Hello Ian" from "+14155550100"
    And interaction IMS0001001 is between "+14155552671" and "+14155550100"
