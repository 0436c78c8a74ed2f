Feature: Linking a bank card
  A card must be enabled for online and international payments, have room for a USD 1.00
  check, support 3D Secure, and be typed correctly: a Luhn-valid number of a supported brand, an
  expiry after the current month, a CVV of the right length and the name the bank has on record.
  The first linked card becomes the default; a card is usable only once it is active.

  Background:
    Given it is 10 January 2026 09:00 UTC
    And Ada has an account in the United States

  @CARD-4
  Scenario Outline: A card that expires this month or earlier cannot be added
    When Ada links a Visa card expiring <expiry>
    Then Ada's Visa card is <result>

    Examples:
      | expiry | result                                        |
      | 12/25  | not linked, because the card has expired      |
      | 01/26  | not linked, because the card expires this month |
      | 02/26  | linked                                        |

  @CARD-4
  Scenario Outline: The expiry month is judged at the moment of linking, across the year end
    Given it is <linked>
    When Ada links a Visa card expiring <expiry>
    Then Ada's Visa card is <result>

    Examples:
      | linked                         | expiry | result                                          |
      | 31 December 2025 23:59 UTC     | 12/25  | not linked, because the card expires this month |
      | 31 December 2025 23:59 UTC     | 01/26  | linked                                          |
      | 1 January 2026 00:00 UTC       | 12/25  | not linked, because the card has expired        |
      | 1 January 2026 00:00 UTC       | 01/26  | not linked, because the card expires this month |

  @CARD-4
  Scenario Outline: Card details must be complete and correct
    When Ada links a card with <mistake>
    Then the card is not linked, because <reason>

    Examples:
      | mistake                                              | reason                                     |
      | a card number that fails the checksum                | the card number is invalid                 |
      | a Diners Club card number                            | the card brand is not supported            |
      | a 3-digit security code on an American Express card  | the security code is invalid               |
      | a 4-digit security code on a Visa card               | the security code is invalid               |
      | a name other than the one her bank has on record     | the name does not match the bank's record  |

  @CARD-4
  Scenario: Every major brand can be linked
    When Ada links a Visa card
    And Ada links a 2-series Mastercard
    And Ada links an American Express card
    And Ada links a Discover card
    And Ada links a JCB card
    And Ada links a UnionPay card
    Then Ada's Visa card is linked
    And Ada's Mastercard is linked
    And Ada's American Express card is linked
    And Ada's Discover card is linked
    And Ada's JCB card is linked
    And Ada's UnionPay card is linked

  @CARD-4 @AUTO-6
  Scenario: A card is valid through the end of its expiry month
    Given it is 31 December 2025 00:00 UTC
    And Ada's default payment method is a Visa card expiring 01/26
    And Ada uses qwen-max for USD 20.00 a day
    When the clock reaches 1 February 2026 01:00 UTC
    Then Ada's deductions are:
      | started                      | amount | by            | outcome                                  |
      | 00:00 UTC on 1 January 2026  | 20.00  | the month end | succeeded                                |
      | 00:00 UTC on 1 February 2026 | 620.00 | the month end | failed, because the card has expired     |

  @CARD-1
  Scenario Outline: The card must be enabled for online and for international payments
    When Ada links a <card>
    Then the card is not linked, because <reason>
    And no hold stays on the card

    Examples:
      | card                                                                          | reason                                              |
      | Visa card disabled for online payments                                        | the card is not enabled for online payments         |
      | Visa card issued in the United Kingdom and disabled for international payments | the card is not enabled for international payments |

  @CARD-2
  Scenario Outline: The card must cover the USD 1.00 check
    When Ada links a <card>
    Then the card is not linked, because <reason>
    And no hold stays on the card

    Examples:
      | card                             | reason                     |
      | Visa card without enough credit  | there are not enough funds |
      | Visa card that her bank declines | the bank declined it       |

  @CARD-6
  Scenario: The first linked card becomes the default payment method
    When Ada links a Visa card
    And Ada links a Mastercard
    Then Ada's Visa card is linked and is her default payment method
    And Ada's Mastercard is linked but is not her default payment method

  @CARD-6 @3DS-2
  Scenario: A card becomes the default only once it is active, after 3D Secure
    Given Ada has an account in France
    When Ada starts linking a Mastercard
    Then Ada has no default payment method
    When 2 minutes pass
    Then Ada's Mastercard is linked and is her default payment method

  @CARD-6
  Scenario: A card that failed to link is never used for deductions
    Given it is 31 January 2026 00:00 UTC
    And Ada has an account in France
    And Ada uses qwen-max for USD 1.00 an hour
    When Ada links a Mastercard and fails 3D Secure
    And the clock reaches 1 February 2026 01:00 UTC
    Then Ada has no default payment method
    And a deduction of USD 24.00 started at 00:00 UTC on 1 February 2026 and failed, because there is no payment method
    And Ada's Mastercard is never charged

  @CARD-7
  Scenario: Card payments carry no service fee; a foreign issuer may add its own conversion fee
    Given it is 31 January 2026 00:00 UTC
    And Ada's default payment method is a Visa card issued in Germany that settles in euros
    And Ada's fees reach USD 1,000.00 at 10:00 UTC on 31 January 2026
    When the clock reaches 31 January 2026 11:00 UTC
    Then Ada's Visa card is charged USD 1,000.00
    And the billing system has taken USD 1,000.00 from cards in all
    And Ada's bank records a conversion fee of USD 20.00 on that charge
