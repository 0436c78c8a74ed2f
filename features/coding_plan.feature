Feature: Coding Plan
  A Coding Plan is a monthly subscription: bought as an order paid at once from a method the
  customer picks, renewed every month from the default method. Its charges show under the Coding
  Plan billing mode and never count toward the pay-as-you-go threshold.

  @PLAN-1
  Scenario: A Coding Plan is paid at once and renews monthly from the default method
    Given it is 15 December 2025 10:00 UTC
    And Ada's default payment method is a Visa card
    And Ada also has a Mastercard
    When Ada buys the Pro Coding Plan with her Mastercard
    Then Ada's Mastercard is charged USD 50.00
    When the clock reaches 15 February 2026 11:00 UTC
    Then Ada's Coding Plan renewals are:
      | renewed                        | amount | outcome   |
      | 10:00 UTC on 15 January 2026   | 50.00  | succeeded |
      | 10:00 UTC on 15 February 2026  | 50.00  | succeeded |
    And Ada's Visa card is charged USD 50.00 2 times
    And Ada's Coding Plan spend for January 2026 is USD 50.00
    And Ada's pay-as-you-go spend for January 2026 is USD 0.00

  @PLAN-1 @AUTO-3
  Scenario: Coding Plan charges never count toward the pay-as-you-go threshold
    Given it is 2 January 2026 10:00 UTC
    And Bob's default payment method is PayPal with a threshold of USD 8.00
    When Bob buys the Lite Coding Plan with his PayPal
    And 1 day passes
    Then Bob has had no deduction
    And Bob's PayPal is charged USD 10.00

  @PLAN-1 @AUTO-6
  Scenario: A renewal from a default card that fails is reported
    Given it is 3 January 2026 10:00 UTC
    And Ada's default payment method is a Mastercard
    When Ada buys the Lite Coding Plan with her Mastercard
    And Ada links a Visa card whose later charges are declined
    And Ada makes her Visa card her default payment method
    And the clock reaches 3 February 2026 11:00 UTC
    Then Ada's Coding Plan renewals are:
      | renewed                      | amount | outcome                              |
      | 10:00 UTC on 3 February 2026 | 10.00  | failed, because the bank declined it |

  @PLAN-1
  Scenario: A plan bought on the 31st renews on the last day of shorter months
    Given it is 31 January 2026 10:00 UTC
    And Ada's default payment method is a Visa card
    When Ada buys the Lite Coding Plan with her Visa card
    And the clock reaches 1 May 2026 00:00 UTC
    Then Ada's Coding Plan renewals are:
      | renewed                    | amount | outcome   |
      | 10:00 UTC on 28 February 2026 | 10.00  | succeeded |
      | 10:00 UTC on 31 March 2026    | 10.00  | succeeded |
      | 10:00 UTC on 30 April 2026    | 10.00  | succeeded |
    And Ada's Visa card is charged USD 10.00 4 times

  @PLAN-1 @AUTO-8
  Scenario: Renewals from a card whose bank always challenges never ask for 3D Secure
    Given it is 10 January 2026 09:58 UTC
    And Ada's default payment method is a Visa card whose bank always asks for 3D Secure
    And Ada also has a Mastercard
    And Ada makes her Visa card her default payment method
    When Ada buys the Lite Coding Plan with her Mastercard
    And the clock reaches 10 March 2026 11:00 UTC
    Then Ada's Coding Plan renewals are:
      | renewed                       | amount | outcome   |
      | 10:00 UTC on 10 February 2026 | 10.00  | succeeded |
      | 10:00 UTC on 10 March 2026    | 10.00  | succeeded |
    And Ada was asked for 3D Secure 1 time
    And Ada's Visa card is charged USD 10.00 2 times
