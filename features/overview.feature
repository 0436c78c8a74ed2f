Feature: Billing overview
  The overview tells a customer what a month cost (before tax, tax, in all), what is still owed,
  how spending moved month by month, and covers both billing modes: pay-as-you-go and the
  Coding Plan subscription.

  Background:
    Given it is 15 December 2025 00:00 UTC

  @OV-1
  Scenario: Total Spend shows the amount before tax, the tax and their sum
    Given Ada has an account in Germany with 19% tax
    And Ada's default payment method is a Mastercard
    And Ada uses qwen-max for USD 10.00 a day
    When the clock reaches 1 January 2026 00:00 UTC
    Then Ada's Total Spend for December 2025 is USD 170.00 before tax, USD 32.30 tax, USD 202.30 in all
    And Ada's Total Spend for January 2026 is USD 0.00 before tax, USD 0.00 tax, USD 0.00 in all

  @OV-2 @PAY-1
  Scenario: Total Amount Due is what was billed and not paid, and paying lowers it
    Given Ada's default payment method is a Visa card whose later charges are declined
    And Ada also has a Mastercard
    And Ada's fees reach USD 400.00 at 00:00 UTC on 1 January 2026
    When the clock reaches 1 January 2026 01:00 UTC
    Then a deduction of USD 400.00 started at 00:00 UTC on 1 January 2026 and failed, because the bank declined it
    And Ada's Total Amount Due is USD 400.00
    When Ada pays USD 150.00 with her Mastercard
    And 30 minutes pass
    Then Ada's payment of USD 150.00 is paid
    And Ada's Total Amount Due is USD 250.00

  @OV-3 @OV-4 @PLAN-1
  Scenario: Spending Trend shows each month, by product and by billing mode
    Given Ada's default payment method is a Visa card
    And Ada uses qwen-max for USD 10.00 a day
    And Ada uses qwen-plus for USD 24.00 a day from 1 January 2026 00:00 UTC
    When Ada buys the Lite Coding Plan with her Visa card
    And the clock reaches 1 February 2026 00:00 UTC
    Then Ada's Spending Trend from December 2025 to January 2026 is:
      | month         | in all  | qwen-max | qwen-plus | pay-as-you-go | Coding Plan |
      | December 2025 | 180.00  | 170.00   | 0.00      | 170.00        | 10.00       |
      | January 2026  | 1064.00 | 310.00   | 744.00    | 1054.00       | 10.00       |

  @OV-4 @OV-1
  Scenario: Total Spend covers pay-as-you-go and the Coding Plan, each on its own
    Given Ada's default payment method is a Visa card
    And Ada uses qwen-max for USD 10.00 a day
    When Ada buys the Pro Coding Plan with her Visa card
    And the clock reaches 1 January 2026 00:00 UTC
    Then Ada's Total Spend for December 2025 is USD 220.00 in all
    And Ada's pay-as-you-go spend for December 2025 is USD 170.00
    And Ada's Coding Plan spend for December 2025 is USD 50.00

  @OV-1
  Scenario: The total of an hour of part-cent taxed fees is their exact sum rounded once
    Given Ada has an account in Germany with 19% tax
    And Ada's default payment method is a Mastercard
    And Ada uses qwen-max for USD 0.0149 an hour from 1 January 2026 00:00 UTC until 1 January 2026 01:00 UTC
    When the clock reaches 1 February 2026 00:00 UTC
    Then Ada's Total Spend for January 2026 is USD 0.01 before tax, USD 0.00 tax, USD 0.02 in all

  @OV-1 @PLAN-1
  Scenario: A Coding Plan's price includes its tax, which Total Spend splits out of it
    Given Ada has an account in Germany with 19% tax
    And Ada's default payment method is a Visa card
    When Ada buys the Lite Coding Plan with her Visa card
    Then Ada's Visa card is charged USD 10.00 once
    And Ada's Total Spend for December 2025 is USD 8.40 before tax, USD 1.60 tax, USD 10.00 in all
