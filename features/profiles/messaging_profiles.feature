Feature: Messaging profiles match an inbound number to a requester
  Seed 002, "Messaging profiles". The virtual agent answers new conversations.

  Background:
    Given the Conversational SMS provider number "+14155550100"

  @row:PROFILE-1
  Scenario: A sys_user's number with no profile gets a profile linked to that user
    Given a sys_user "Ada Lovelace" with mobile phone "+14155552671"
    When "+14155552671" texts "Hi" to "+14155550100"
    Then "+14155552671" has an active messaging profile linked to sys_user "Ada Lovelace"
    And "+14155552671" has 1 messaging profile
    And interaction IMS0001001 is opened for sys_user "Ada Lovelace"
    And the transcript matches the snapshot

  @row:PROFILE-2
  Scenario: A number known only to a messaging profile opens the interaction for the profile's user
    Given a sys_user "Ada Lovelace"
    And a messaging profile links "+14155552671" to sys_user "Ada Lovelace"
    When "+14155552671" texts "Hi, new phone" to "+14155550100"
    Then interaction IMS0001001 is opened for sys_user "Ada Lovelace"
    And the sys_user "Ada Lovelace" has no mobile phone
    And "+14155552671" has 1 messaging profile

  @row:PROFILE-3
  Scenario: An unknown number opens the interaction for the guest user
    When "+14155552671" texts "Hello?" to "+14155550100"
    Then interaction IMS0001001 is opened for the guest user
    And "+14155552671" has an active messaging profile linked to nobody
    And "+14155552671" has 1 messaging profile

  @row:PROFILE-4
  Scenario: When sys_user and the profile disagree the profile wins, and an agent re-links both
    Given a sys_user "Ada Lovelace" with mobile phone "+14155552671"
    And a sys_user "Grace Hopper"
    And a messaging profile links "+14155552671" to sys_user "Grace Hopper"
    When "+14155552671" texts "It's Ada, not Grace" to "+14155550100"
    Then interaction IMS0001001 is opened for sys_user "Grace Hopper"
    When the agent re-links interaction IMS0001001 to sys_user "Ada Lovelace"
    Then interaction IMS0001001 is opened for sys_user "Ada Lovelace"
    And "+14155552671" has an active messaging profile linked to sys_user "Ada Lovelace"
    And "+14155552671" has 1 messaging profile

  # Pinned reading (the documents are silent): a guest profile is linked to the sys_user who now
  # has the number, rather than being treated as a conflict.
  Scenario: A guest profile is linked to the sys_user who registers the number later
    Given a messaging profile links "+14155552671" to nobody
    And a sys_user "Ada Lovelace" with mobile phone "+14155552671"
    When "+14155552671" texts "Hi" to "+14155550100"
    Then interaction IMS0001001 is opened for sys_user "Ada Lovelace"
    And "+14155552671" has an active messaging profile linked to sys_user "Ada Lovelace"
    And "+14155552671" has 1 messaging profile
