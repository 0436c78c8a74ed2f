Feature: Manual payment
  A customer may repay by hand at any time, any amount up to what is outstanding, from any active
  linked payment method; the prepaid balance pays first. A payment's status updates about 30
  minutes after it is confirmed, and while one is pending a second one is refused.

  Background:
    Given it is 14 January 2026 00:00 UTC
    And Ada's default payment method is a Visa card whose later charges are declined
    And Ada also has a Mastercard

  @PAY-1
  Scenario: The customer may pay before any automatic deduction, by preference
    Given Ada uses qwen-max for USD 10.00 an hour
    When the clock reaches 14 January 2026 05:00 UTC
    Then Ada's Total Amount Due is USD 50.00
    When Ada pays everything she owes with her Mastercard
    Then Ada's payment of USD 50.00 is pending
    When 30 minutes pass
    Then Ada's payment of USD 50.00 is paid
    And Ada's Mastercard is charged USD 50.00

  @PAY-2
  Scenario Outline: The customer chooses how much to pay, up to what is outstanding
    Given Ada owes USD 1,000.00 after a failed deduction at 10:00 UTC on 14 January 2026
    Then Ada's Total Amount Due is USD 1,000.00
    When Ada pays USD <amount> with her Mastercard
    Then <outcome>

    Examples:
      | amount   | outcome                                                        |
      | 0.00     | Ada's payment is refused, because the amount is not valid      |
      | 0.01     | Ada's payment of USD 0.01 is pending                           |
      | 1,000.00 | Ada's payment of USD 1,000.00 is pending                       |
      | 1,000.01 | Ada's payment is refused, because the amount is not valid      |

  @PAY-2
  Scenario: A refused amount charges nothing
    Given Ada owes USD 1,000.00 after a failed deduction at 10:00 UTC on 14 January 2026
    When Ada pays USD 5,000.00 with her Mastercard
    Then Ada's payment is refused, because the amount is not valid
    And Ada's Mastercard is never charged
    And Ada's Total Amount Due is USD 1,000.00

  @PAY-3
  Scenario: The prepaid balance pays first, for automatic deductions too
    Given Ada has a prepaid balance of USD 250.00
    And Ada's fees reach USD 500.00 at 00:00 UTC on 1 February 2026
    And Ada makes her Mastercard her default payment method
    When the clock reaches 1 February 2026 00:30 UTC
    Then Ada's only deduction is USD 500.00, started at 00:00 UTC on 1 February 2026 by the month end
    And USD 250.00 of it came from Ada's balance and USD 250.00 was charged
    And Ada's Mastercard is charged USD 250.00

  @PAY-3 @PAY-1
  Scenario: A manual payment the balance covers charges no payment method
    Given Ada has a prepaid balance of USD 100.00
    And Ada uses qwen-max for USD 10.00 an hour until 14 January 2026 05:00 UTC
    When the clock reaches 14 January 2026 05:10 UTC
    And Ada pays everything she owes with her Mastercard
    And 30 minutes pass
    Then Ada's payment of USD 50.00 is paid
    And USD 50.00 of it came from Ada's balance and USD 0.00 was charged
    And Ada's Mastercard is never charged
    And Ada's Total Amount Due is USD 0.00

  @PAY-5 @AUTO-4 @AUTO-6
  Scenario: A payment still pending at the month end is not deducted a second time
    Given it is 31 January 2026 12:00 UTC
    And Ada's fees reach USD 1,000.00 at 22:00 UTC on 31 January 2026
    When the clock reaches 31 January 2026 23:50 UTC
    And Ada pays everything she owes with her Mastercard
    And the clock reaches 1 February 2026 01:00 UTC
    Then Ada's deductions are:
      | started                       | amount   | by            | outcome                              |
      | 22:00 UTC on 31 January 2026  | 1,000.00 | the threshold | failed, because the bank declined it |
    And Ada's payment of USD 1,000.00 is paid
    And Ada's Mastercard is charged USD 1,000.00 once
    And Ada's Total Amount Due is USD 0.00

  @PAY-4
  Scenario Outline: The customer pays with any active linked method
    Given Ada also has <linked>
    And Ada owes USD 1,000.00 after a failed deduction at 10:00 UTC on 14 January 2026
    When Ada pays USD 100.00 with her <method>
    And 30 minutes pass
    Then Ada's payment of USD 100.00 is paid
    And Ada's <method> is charged USD 100.00
    And Ada's Total Amount Due is USD 900.00

    Examples:
      | linked                   | method                |
      | a Discover card          | Discover card         |
      | an American Express card | American Express card |
      | PayPal                   | PayPal                |

  @PAY-4
  Scenario: A removed method can no longer pay
    Given Ada owes USD 1,000.00 after a failed deduction at 10:00 UTC on 14 January 2026
    When Ada removes her Mastercard
    And Ada pays USD 100.00 with her removed Mastercard
    Then Ada is told her Mastercard is not active, and nothing is paid
    And Ada's Total Amount Due is USD 1,000.00

  @PAY-4 @PAY-5
  Scenario: A payment from a card the bank declines fails after 30 minutes and nothing is paid
    Given Ada owes USD 1,000.00 after a failed deduction at 10:00 UTC on 14 January 2026
    When Ada pays USD 100.00 with her Visa card
    Then Ada's payment of USD 100.00 is pending
    When 30 minutes pass
    Then Ada's payment of USD 100.00 failed, because the bank declined it
    And Ada's Total Amount Due is USD 1,000.00

  @PAY-5
  Scenario Outline: While a payment is pending a second one is refused
    Given Ada owes USD 1,000.00 after a failed deduction at 10:00 UTC on 14 January 2026
    When Ada pays USD 300.00 with her Mastercard
    Then Ada's payment of USD 300.00 is pending
    When <wait> pass
    And Ada pays everything she owes with her Mastercard
    Then <outcome>

    Examples:
      | wait       | outcome                                                          |
      | 10 minutes | Ada's payment is refused, because a payment is already pending   |
      | 29 minutes | Ada's payment is refused, because a payment is already pending   |
      | 31 minutes | Ada's payment of USD 700.00 is pending                           |

  @OV-2 @PAY-5
  Scenario: Total Amount Due keeps a pending payment until its status comes back paid
    Given Ada owes USD 1,000.00 after a failed deduction at 10:00 UTC on 14 January 2026
    When Ada pays USD 300.00 with her Mastercard
    Then Ada's payment of USD 300.00 is pending
    And Ada's Total Amount Due is USD 1,000.00
    When 29 minutes pass
    Then Ada's Total Amount Due is USD 1,000.00
    When 1 minute passes
    Then Ada's payment of USD 300.00 is paid
    And Ada's Total Amount Due is USD 700.00
