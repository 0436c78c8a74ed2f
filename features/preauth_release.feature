Feature: Release of the card check
  Linking a card makes a USD 1.00 pre-authorization with the statement descriptor
  ALIBABACLOUD.COM. It is never captured: the issuing bank releases it within 1 to 5 business
  days, and weekends and the public holidays of the bank's country are not business days.

  @CARD-5 @CARD-2
  Scenario Outline: The USD 1.00 check is released within 1 to 5 business days of the bank's country
    Given it is <linked>
    And Ada has an account in the United States
    When Ada links a <card>
    Then Ada's bank holds USD 1.00 on the card
    And the check was made for "ALIBABACLOUD.COM"
    When the clock reaches <latest>
    Then the check on Ada's card was released, not captured, between <earliest> and <latest>
    And it was released on a business day in <country>

    Examples:
      | linked                             | card                         | earliest                            | latest                               | country           |
      | Friday 9 January 2026 15:00 UTC    | Visa card                    | Monday 12 January 2026 15:00 UTC    | Friday 16 January 2026 15:00 UTC     | the United States |
      | Friday 16 January 2026 15:00 UTC   | Visa card                    | Tuesday 20 January 2026 15:00 UTC   | Monday 26 January 2026 15:00 UTC     | the United States |
      | Wednesday 31 December 2025 15:00 UTC | Mastercard                 | Friday 2 January 2026 15:00 UTC     | Thursday 8 January 2026 15:00 UTC    | the United States |
      | Monday 16 February 2026 03:00 UTC  | Visa card issued in Malaysia | Thursday 19 February 2026 03:00 UTC | Wednesday 25 February 2026 03:00 UTC | Malaysia          |

  @CARD-5
  Scenario: The check is never captured, even when the card pays fees while it is held
    Given it is 9 January 2026 15:00 UTC
    And Ada's default payment method is a Visa card
    And Ada uses qwen-max for USD 100.00 an hour
    When the clock reaches 16 January 2026 16:00 UTC
    Then the check on Ada's card was released, not captured, between Monday 12 January 2026 15:00 UTC and Friday 16 January 2026 15:00 UTC
    And Ada's Visa card was never charged USD 1.00

  @CARD-5
  Scenario Outline: A card linked on any day of the week is released 1 to 5 business days later
    Given it is <linked>
    And Ada has an account in the United States
    When Ada links a Visa card
    Then Ada's bank holds USD 1.00 on the card
    When the clock reaches <latest>
    Then the check on Ada's card was released, not captured, between <earliest> and <latest>
    And it was released on a business day in the United States

    Examples:
      | linked                            | earliest                          | latest                            |
      | Monday 2 March 2026 10:00 UTC     | Tuesday 3 March 2026 10:00 UTC    | Monday 9 March 2026 10:00 UTC     |
      | Tuesday 3 March 2026 10:00 UTC    | Wednesday 4 March 2026 10:00 UTC  | Tuesday 10 March 2026 10:00 UTC   |
      | Wednesday 4 March 2026 10:00 UTC  | Thursday 5 March 2026 10:00 UTC   | Wednesday 11 March 2026 10:00 UTC |
      | Thursday 5 March 2026 10:00 UTC   | Friday 6 March 2026 10:00 UTC     | Thursday 12 March 2026 10:00 UTC  |
      | Friday 6 March 2026 10:00 UTC     | Monday 9 March 2026 10:00 UTC     | Friday 13 March 2026 10:00 UTC    |
      | Saturday 7 March 2026 10:00 UTC   | Monday 9 March 2026 10:00 UTC     | Friday 13 March 2026 10:00 UTC    |
      | Sunday 8 March 2026 10:00 UTC     | Monday 9 March 2026 10:00 UTC     | Friday 13 March 2026 10:00 UTC    |
