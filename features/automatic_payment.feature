Feature: Automatic payment thresholds
  By default fees are deducted automatically from the account's default payment method, with no
  fixed repayment date: a bank card is charged as soon as the fees not yet deducted reach
  USD 1,000.00, PayPal as soon as they reach the account's own threshold (USD 8 to USD 500).

  @AUTO-1
  Scenario: Fees are deducted from whichever method is the default at the time
    Given it is 1 March 2026 00:00 UTC
    And Ada's default payment method is a Visa card
    And Ada also has a Mastercard
    And Ada uses qwen-max for USD 100.00 an hour
    When the clock reaches 1 March 2026 10:00 UTC
    Then a deduction of USD 1,000.00 from Ada's Visa card started at 10:00 UTC on 1 March 2026
    When Ada makes her Mastercard her default payment method
    And the clock reaches 1 March 2026 20:30 UTC
    Then a deduction of USD 1,000.00 from Ada's Mastercard started at 20:00 UTC on 1 March 2026
    And Ada's Visa card is charged USD 1,000.00
    And Ada's Mastercard is charged USD 1,000.00

  @AUTO-2 @AUTO-4
  Scenario Outline: A card deduction starts the moment the fees not yet deducted reach USD 1,000.00
    Given it is 28 January 2026 00:00 UTC
    And Ada's default payment method is a Visa card
    And Ada's fees reach USD <fees> at 08:00 UTC on 31 January 2026
    When the clock reaches 1 February 2026 01:00 UTC
    Then Ada's only deduction is USD <fees>, started at <started> by <trigger>
    And Ada's Visa card is charged USD <fees>

    Examples:
      | fees     | started                      | trigger       |
      | 999.99   | 00:00 UTC on 1 February 2026 | the month end |
      | 1,000.00 | 08:00 UTC on 31 January 2026 | the threshold |
      | 1,000.01 | 08:00 UTC on 31 January 2026 | the threshold |

  @AUTO-2
  Scenario: The threshold is a trigger, not a cap: the deduction takes every fee
    Given it is 31 December 2025 22:00 UTC
    And Ada's default payment method is a Mastercard
    And Ada's fees reach USD 1,500.00 at 23:00 UTC on 31 December 2025
    When the clock reaches 1 January 2026 01:00 UTC
    Then Ada's only deduction is USD 1,500.00, started at 23:00 UTC on 31 December 2025 by the threshold
    And Ada's Mastercard is charged USD 1,500.00

  @AUTO-2
  Scenario: The threshold counts the fees with their tax
    Given it is 28 January 2026 00:00 UTC
    And Ada has an account in Germany with 19% tax
    And Ada's default payment method is a Visa card
    And Ada's fees reach USD 1,000.00 at 08:00 UTC on 31 January 2026
    When the clock reaches 31 January 2026 09:00 UTC
    Then Ada's only deduction is USD 1,000.00, started at 08:00 UTC on 31 January 2026 by the threshold

  @AUTO-3
  Scenario Outline: A PayPal threshold must lie between USD 8.00 and USD 500.00
    Given Bob has an account in the United States
    When Bob links his PayPal account with a threshold of USD <threshold>
    Then Bob's PayPal is <result>

    Examples:
      | threshold | result                                           |
      | 7.99      | not linked, because the threshold is out of range |
      | 8.00      | linked                                           |
      | 500.00    | linked                                           |
      | 500.01    | not linked, because the threshold is out of range |

  @AUTO-3 @AUTO-4
  Scenario Outline: A PayPal deduction starts when the fees reach the account's own threshold
    Given it is 31 December 2025 12:00 UTC
    And Bob's default payment method is PayPal with a threshold of USD 8.00
    And Bob's fees reach USD <fees> at 20:00 UTC on 31 December 2025
    When the clock reaches 1 January 2026 01:00 UTC
    Then Bob's only deduction is USD <fees>, started at <started> by <trigger>
    And Bob's PayPal is charged USD <fees>

    Examples:
      | fees | started                       | trigger       |
      | 7.99 | 00:00 UTC on 1 January 2026   | the month end |
      | 8.00 | 20:00 UTC on 31 December 2025 | the threshold |
      | 8.01 | 20:00 UTC on 31 December 2025 | the threshold |

  @AUTO-3 @AUTO-1
  Scenario: Making PayPal the default with fees already above its threshold deducts at once
    Given it is 10 March 2026 00:00 UTC
    And Ada's default payment method is a Visa card
    And Ada also has PayPal with a threshold of USD 8.00
    And Ada uses qwen-max for USD 10.00 an hour
    When the clock reaches 10 March 2026 05:10 UTC
    Then Ada has had no deduction
    When Ada makes her PayPal her default payment method
    Then a deduction of USD 50.00 from Ada's PayPal started at 05:10 UTC on 10 March 2026
    When the clock reaches 10 March 2026 06:00 UTC
    Then a deduction of USD 10.00 from Ada's PayPal started at 06:00 UTC on 10 March 2026
    And Ada's PayPal is charged USD 50.00

  @AUTO-3
  Scenario: Without a threshold of its own a PayPal account deducts at USD 100.00
    Given it is 10 February 2026 00:00 UTC
    And Bob's default payment method is PayPal
    And Bob uses qwen-plus for USD 10.00 an hour
    When the clock reaches 10 February 2026 11:00 UTC
    Then a deduction of USD 100.00 from Bob's PayPal started at 10:00 UTC on 10 February 2026

  @AUTO-5 @PAYPAL-1
  Scenario: The first pay-as-you-go product makes a USD 1.00 check on PayPal; later ones make none
    Given it is 5 January 2026 09:00 UTC
    And Bob's default payment method is PayPal
    Then PayPal has held USD 1.00 from Bob 1 time
    When Bob starts using qwen-max
    Then qwen-max is activated for Bob
    And PayPal has held USD 1.00 from Bob 2 times
    When Bob starts using qwen-plus
    Then qwen-plus is activated for Bob
    And PayPal has held USD 1.00 from Bob 2 times

  @AUTO-5
  Scenario: When the USD 1.00 check on PayPal fails, the product is not activated
    Given it is 5 January 2026 09:00 UTC
    And Bob's default payment method is PayPal
    And PayPal declines every payment until 6 January 2026 00:00 UTC
    When Bob starts using qwen-max
    Then qwen-max is not activated for Bob, because the bank declined it

  @AUTO-6
  Scenario: A failed deduction stays outstanding and the next trigger tries all of it again
    Given it is 1 January 2026 00:00 UTC
    And Ada's default payment method is a Visa card whose later charges are declined
    And Ada uses qwen-max for USD 250.00 a day
    When the clock reaches 5 January 2026 00:30 UTC
    Then a deduction of USD 1,000.00 started at 00:00 UTC on 5 January 2026 and failed, because the bank declined it
    And Ada's Total Amount Due is USD 1,000.00
    When the clock reaches 9 January 2026 00:30 UTC
    Then a deduction of USD 2,000.00 started at 00:00 UTC on 9 January 2026 and failed, because the bank declined it

  @AUTO-6 @AUTO-4
  Scenario: The month end tries the outstanding amount again with the new fees
    Given it is 31 January 2026 00:00 UTC
    And Ada's default payment method is a Visa card whose later charges are declined
    And Ada's fees reach USD 1,000.00 at 10:00 UTC on 31 January 2026
    And Ada also has a Mastercard
    When the clock reaches 31 January 2026 11:00 UTC
    And Ada makes her Mastercard her default payment method
    And the clock reaches 1 February 2026 01:00 UTC
    Then Ada's deductions are:
      | started                       | amount   | by            | outcome                         |
      | 10:00 UTC on 31 January 2026  | 1,000.00 | the threshold | failed, because the bank declined it |
      | 00:00 UTC on 1 February 2026  | 1,000.00 | the month end | succeeded                       |
    And Ada's Total Amount Due is USD 0.00

  @AUTO-7 @PAY-1
  Scenario: Fees unpaid 15 days after a failed deduction suspend the account until they are paid
    Given it is 1 January 2026 00:00 UTC
    And the grace before an account with unpaid fees is suspended lasts 15 days
    And Ada's default payment method is a Visa card whose later charges are declined
    And Ada also has a Mastercard
    And Ada uses qwen-max for USD 240.00 a day
    When the clock reaches 20 January 2026 12:00 UTC
    Then Ada's deductions are:
      | started                       | amount   | by            | outcome                              |
      | 04:00 UTC on 5 January 2026   | 1,000.00 | the threshold | failed, because the bank declined it |
      | 08:00 UTC on 9 January 2026   | 2,000.00 | the threshold | failed, because the bank declined it |
      | 12:00 UTC on 13 January 2026  | 3,000.00 | the threshold | failed, because the bank declined it |
      | 16:00 UTC on 17 January 2026  | 4,000.00 | the threshold | failed, because the bank declined it |
    And Ada's account became overdue and was suspended at 04:30 UTC on 20 January 2026
    And Ada's Total Spend for January 2026 is USD 4,600.00 in all
    When 3 days pass
    Then Ada's Total Spend for January 2026 is USD 4,600.00 in all
    When Ada pays everything she owes with her Mastercard
    And 30 minutes pass
    Then Ada's account is active again
    When the clock reaches 24 January 2026 00:00 UTC
    Then Ada's Total Spend for January 2026 is USD 4,710.00 in all

  @AUTO-7 @PAY-2
  Scenario: Paying part of what is owed leaves the account suspended; paying the rest resumes it
    Given it is 1 January 2026 00:00 UTC
    And Ada's default payment method is a Visa card whose later charges are declined
    And Ada also has a Mastercard
    And Ada's fees reach USD 1,000.00 at 10:00 UTC on 1 January 2026
    When the clock reaches 16 January 2026 10:29 UTC
    Then Ada's account is not suspended
    When the clock reaches 16 January 2026 10:30 UTC
    Then Ada's account became overdue and was suspended at 10:30 UTC on 16 January 2026
    When Ada pays USD 400.00 with her Mastercard
    And 1 hour passes
    Then Ada's payment of USD 400.00 is paid
    And Ada's account is still suspended
    When Ada pays everything she owes with her Mastercard
    And 30 minutes pass
    Then Ada's payment of USD 600.00 is paid
    And Ada's account is active again

  @AUTO-8 @3DS-1
  Scenario: Automatic deductions never ask for 3D Secure, even when the bank always would
    Given it is 2 March 2026 00:00 UTC
    And Ada's default payment method is a Visa card whose bank always asks for 3D Secure
    And Ada uses qwen-max for USD 100.00 an hour
    When the clock reaches 2 March 2026 11:00 UTC
    Then Ada was asked for 3D Secure 1 time
    And a deduction of USD 1,000.00 from Ada's Visa card started at 10:00 UTC on 2 March 2026 and succeeded
    And Ada's Visa card is charged USD 1,000.00

  @AUTO-2
  Scenario: An hour's fees of every product count together, whichever product comes first
    Given it is 1 March 2026 00:00 UTC
    And Ada's default payment method is a Visa card
    And Ada uses qwen-plus for USD 47.00 an hour
    And Ada uses qwen-max for USD 60.00 an hour
    When the clock reaches 1 March 2026 11:00 UTC
    Then Ada's only deduction is USD 1,070.00, started at 10:00 UTC on 1 March 2026 by the threshold

  @AUTO-6 @H-3
  Scenario: A deduction whose answer is lost is looked up later and never taken twice
    Given it is 1 March 2026 00:00 UTC
    And Ada's default payment method is a Visa card
    And Ada uses qwen-max for USD 100.00 an hour
    And the card processor's answers are lost from 1 March 2026 09:00 UTC until 2 March 2026 00:00 UTC
    When the clock reaches 2 March 2026 23:00 UTC
    Then Ada's deductions are:
      | started                      | amount   | by            | outcome   |
      | 10:00 UTC on 1 March 2026    | 1,000.00 | the threshold | succeeded |
      | 20:00 UTC on 1 March 2026    | 1,000.00 | the threshold | succeeded |
      | 06:00 UTC on 2 March 2026    | 1,000.00 | the threshold | succeeded |
      | 16:00 UTC on 2 March 2026    | 1,000.00 | the threshold | succeeded |
    And Ada's Visa card is charged USD 1,000.00 4 times
    And Ada's fees add up to what she paid plus what she owes, to the cent

  @AUTO-6
  Scenario: A charge the card processor answers with a server error is tried again, up to 4 times
    Given it is 2 March 2026 00:00 UTC
    And Ada's default payment method is a Visa card
    And Ada uses qwen-max for USD 1,000.00 an hour until 4 March 2026 00:00 UTC
    And the card processor answers 3 in 4 charges with a server error from 2 March 2026 00:00 UTC until 4 March 2026 00:00 UTC
    When the clock reaches 4 March 2026 01:00 UTC
    Then each of Ada's deductions was tried again after every server error, up to 4 tries, and failed only when every try met one
