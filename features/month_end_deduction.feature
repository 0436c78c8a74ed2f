Feature: Month-end deduction
  At the end of every month (00:00 UTC on the 1st) the system makes exactly one deduction per
  account for all fees not yet deducted, if there are any. The last hour of the month is
  metered before the month end runs.

  @AUTO-4
  Scenario Outline: Fees reaching the threshold in the last hour of the year give one deduction, not two
    Given it is 28 December 2025 16:00 UTC
    And Ada's default payment method is a Visa card
    And Ada's fees reach USD <fees> at 00:00 UTC on 1 January 2026
    When the clock reaches 1 January 2026 01:00 UTC
    Then Ada's only deduction is USD <fees>, started at 00:00 UTC on 1 January 2026 by <trigger>

    Examples:
      | fees     | trigger       |
      | 999.99   | the month end |
      | 1,000.00 | the threshold |
      | 1,000.01 | the threshold |

  @AUTO-4
  Scenario: One deduction each month end, across the turn of the year
    Given it is 15 December 2025 00:00 UTC
    And Ada's default payment method is a Visa card
    And Ada uses qwen-max for USD 10.00 a day
    When 2 months pass
    Then Ada's deductions are:
      | started                      | amount | by            | outcome   |
      | 00:00 UTC on 1 January 2026  | 170.00 | the month end | succeeded |
      | 00:00 UTC on 1 February 2026 | 310.00 | the month end | succeeded |
    And Ada's Visa card is charged USD 170.00
    And Ada's Visa card is charged USD 310.00

  @AUTO-4
  Scenario: The last hour of the month belongs to that month's deduction
    Given it is 31 December 2025 12:00 UTC
    And Ada's default payment method is a Mastercard
    And Ada uses qwen-max for USD 5.00 an hour from 31 December 2025 23:00 UTC until 1 January 2026 00:00 UTC
    When the clock reaches 1 January 2026 00:30 UTC
    Then Ada's only deduction is USD 5.00, started at 00:00 UTC on 1 January 2026 by the month end
    And Ada's Total Spend for December 2025 is USD 5.00 in all
    And Ada's Total Spend for January 2026 is USD 0.00 in all

  @AUTO-4
  Scenario: An account without fees has no month-end deduction
    Given it is 20 January 2026 00:00 UTC
    And Ada's default payment method is a Visa card
    When the clock reaches 1 March 2026 01:00 UTC
    Then Ada has had no deduction
    And Ada's Visa card is never charged

  @AUTO-4
  Scenario: Fees that round to less than a cent make no month-end deduction
    Given it is 31 January 2026 20:00 UTC
    And Ada's default payment method is a Visa card
    And Ada uses qwen-max for USD 0.001 an hour until 1 February 2026 00:00 UTC
    When the clock reaches 1 February 2026 01:00 UTC
    Then Ada has had no deduction
    And Ada's Visa card is never charged

  @AUTO-4 @H-3
  Scenario: Sub-cent fees are rounded half-even at each deduction and the remainder is carried
    Given it is 31 January 2026 23:00 UTC
    And Ada's default payment method is a Visa card
    And Ada uses qwen-max for USD 0.125 an hour until 1 February 2026 00:00 UTC
    And Ada uses qwen-max for USD 0.125 an hour from 28 February 2026 23:00 UTC until 1 March 2026 00:00 UTC
    When the clock reaches 1 March 2026 01:00 UTC
    Then Ada's deductions are:
      | started                      | amount | by            | outcome   |
      | 00:00 UTC on 1 February 2026 | 0.12   | the month end | succeeded |
      | 00:00 UTC on 1 March 2026    | 0.13   | the month end | succeeded |
    And Ada's fees add up to what she paid plus what she owes, to the cent
