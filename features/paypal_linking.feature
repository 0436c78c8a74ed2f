Feature: Linking PayPal
  Linking sends the customer to PayPal to log in and approve a payment agreement; PayPal is then
  added as a payment method and a USD 1.00 check is made. A PayPal account without a funding
  source cannot complete the agreement, and an agreement left unapproved links nothing.

  Background:
    Given it is 2 February 2026 14:00 UTC
    And Bob has an account in the United States

  @PAYPAL-1
  Scenario: Linking PayPal adds it as a method and makes a USD 1.00 check
    When Bob links his PayPal account
    Then Bob's PayPal is linked and is his default payment method
    And PayPal has held USD 1.00 from Bob 1 time
    And the check was made for "ALIBABACLOUD.COM"
    And PayPal has taken no money from Bob

  @PAYPAL-2
  Scenario: A PayPal account without a funding source cannot complete the agreement
    When Bob links his PayPal account, which has no funding source
    Then Bob's PayPal is not linked, because the PayPal account has no funding source
    And Bob has no default payment method

  @PAYPAL-3
  Scenario: An agreement left unapproved links nothing, and says why
    When Bob links his PayPal account but does not approve the payment agreement
    Then Bob's PayPal is not linked, because the payment agreement was not approved
    And Bob has no default payment method

  @PAYPAL-1 @AUTO-5
  Scenario: PayPal's USD 1.00 checks are voided at once, never captured
    When Bob links his PayPal account
    And Bob starts using qwen-max
    Then PayPal has held USD 1.00 from Bob 2 times
    And PayPal voided each USD 1.00 check on Bob at once
    And PayPal has taken no money from Bob
