Feature: The SMS provider
  Seed 003 and Twilio's behaviour.

  @row:PROVIDER-1
  Scenario: A number used by another integration is refused for Conversational SMS
    Given "+14155550199" is a ServiceNowTwilioDirect number
    And "+14155550198" is a Twilio Notify number
    When an administrator adds "+14155550199" as a Conversational SMS provider number
    Then the request is refused with "+14155550199 is already used by ServiceNowTwilioDirect"
    And nothing was written and nothing was sent
    When an administrator adds "+14155550198" as a Conversational SMS provider number
    Then the request is refused with "+14155550198 is already used by Twilio Notify"
    And the request is refused with "Conversational SMS needs numbers of its own"
    And nothing was written and nothing was sent
    And "+14155550198" is still a Twilio Notify number
    And "+14155550198" is not a Conversational SMS provider number
    And "+14155550199" is not a Conversational SMS provider number
    When an administrator adds "+14155550100" as a Conversational SMS provider number
    Then "+14155550100" is a Conversational SMS provider number
    And Twilio's number "+14155550100" sends inbound messages to the engine
    And "+14155550199" is a ServiceNowTwilioDirect number

  Scenario: A text to a number that is not a Conversational SMS provider number is refused
    Given the Conversational SMS provider number "+14155550100"
    And "+14155550198" is a Twilio Notify number
    When "+14155552671" texts "Hi" to "+14155550198"
    Then the request is refused with "+14155550198 is not a Conversational SMS provider number"
    And nothing was written and nothing was sent
    And there are no interactions

  @row:PROVIDER-4
  Scenario: An inbound webhook with a bad or missing signature is refused and nothing is stored
    Given the Conversational SMS provider number "+14155550100"
    When a webhook with the signature "bm90IGEgc2lnbmF0dXJl" posts "Hi" from "+14155552671" to "+14155550100"
    Then the webhook is answered with status 403
    And the request is refused with "X-Twilio-Signature does not match"
    And nothing was written and nothing was sent
    When a webhook with no signature posts "Hi" from "+14155552671" to "+14155550100"
    Then the webhook is answered with status 403
    And the request is refused with "missing X-Twilio-Signature"
    And nothing was written and nothing was sent
    # A real signature of another body: the form was changed on the way.
    When a webhook with Twilio's signature of "Hi" posts "Send my refund to account 1234" from "+14155552671" to "+14155550100"
    Then the webhook is answered with status 403
    And the request is refused with "X-Twilio-Signature does not match"
    And nothing was written and nothing was sent
    And there are no interactions
    # The same signature over the body it was made for is Twilio's own: accepted.
    When a webhook with Twilio's signature of "Hi" posts "Hi" from "+14155552671" to "+14155550100"
    Then the webhook is answered with status 200
    And there is 1 interaction
