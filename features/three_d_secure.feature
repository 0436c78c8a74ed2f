Feature: 3D Secure
  Linking a card always needs 3D Secure when the account is in Malaysia or an EU member state, and
  the card must support it. Elsewhere, and for orders, the issuing bank asks for it when it sees a
  risk. The customer completes the bank's page and comes back; a failed or abandoned check ends
  the operation: nothing is linked or charged.

  Background:
    Given it is 5 January 2026 09:00 UTC

  @CARD-3 @3DS-1
  Scenario Outline: Linking a card needs 3D Secure in Malaysia and the EU, and only on risk elsewhere
    Given Ada has an account in <country>
    When Ada links a Mastercard
    Then Ada <asked> asked for 3D Secure
    And Ada's Mastercard is linked

    Examples:
      | country           | asked   |
      | Germany           | was     |
      | France            | was     |
      | Malaysia          | was     |
      | the United States | was not |
      | Japan             | was not |

  @CARD-3
  Scenario Outline: A card that does not support 3D Secure cannot be linked
    Given Ada has an account in <country>
    When Ada links a Visa card not enrolled in 3D Secure
    Then the card is not linked, because the card does not support 3D Secure

    Examples:
      | country           |
      | the Netherlands   |
      | the United States |

  @3DS-1
  Scenario: The issuing bank asks for 3D Secure when it sees a risk, wherever the account is
    Given Ada has an account in the United States
    When Ada links a Visa card whose bank always asks for 3D Secure
    Then Ada was asked for 3D Secure
    And Ada's Visa card is linked

  @3DS-1 @3DS-2 @PLAN-1
  Scenario: A Coding Plan order may need 3D Secure too; left unanswered it charges nothing
    Given Ada's default payment method is a Visa card whose bank always asks for 3D Secure
    When Ada buys the Lite Coding Plan with her Visa card and abandons 3D Secure
    Then Ada was asked for 3D Secure 2 times
    When 10 minutes pass
    Then Ada's Lite Coding Plan purchase is refused, because 3D Secure was abandoned
    And Ada's Visa card is never charged

  @3DS-1 @3DS-2 @PLAN-1
  Scenario: A Coding Plan order the customer passes 3D Secure for is paid
    Given Ada's default payment method is a Visa card whose bank always asks for 3D Secure
    When Ada buys the Lite Coding Plan with her Visa card and completes 3D Secure
    And 10 minutes pass
    Then Ada was asked for 3D Secure 2 times
    And Ada's Visa card is charged USD 10.00

  @3DS-2 @CARD-3
  Scenario Outline: What the customer does on the bank's page decides whether the card is linked
    Given Ada has an account in France
    When Ada links a Mastercard and <does> 3D Secure
    Then Ada's Mastercard is <result>
    And Ada's bank holds USD <held> on the card

    Examples:
      | does      | result                                         | held |
      | completes | linked                                         | 1.00 |
      | fails     | not linked, because 3D Secure failed           | 0.00 |
      | abandons  | not linked, because 3D Secure was abandoned    | 0.00 |

  @3DS-2 @3DS-1
  Scenario Outline: A bank that refuses at once ends the link without a challenge page
    Given Ada has an account in the United States
    When Ada links a <card>
    Then the card is not linked, because 3D Secure failed
    And no hold stays on the card

    Examples:
      | card                                      |
      | Visa card whose bank fails 3D Secure at once |
      | Visa card whose bank rejects 3D Secure    |

  @3DS-1 @3DS-2 @PAY-1
  Scenario: Paying by hand with a card the bank challenges works once the customer passes 3D Secure
    Given it is 14 January 2026 00:00 UTC
    And Ada's default payment method is a Visa card whose bank always asks for 3D Secure
    And Ada uses qwen-max for USD 10.00 an hour
    When 10 hours pass
    And Ada pays everything she owes with her Visa card and completes 3D Secure
    And 1 hour passes
    Then Ada was asked for 3D Secure 2 times
    And Ada's payment of USD 100.00 is paid
    And Ada's Visa card is charged USD 100.00 once

  @3DS-1 @3DS-2 @PAY-1
  Scenario: Paying by hand charges nothing when the 3D Secure check fails
    Given it is 14 January 2026 00:00 UTC
    And Ada's default payment method is a Visa card whose bank always asks for 3D Secure
    And Ada uses qwen-max for USD 10.00 an hour
    When 10 hours pass
    And Ada pays everything she owes with her Visa card and fails 3D Secure
    And 1 hour passes
    Then Ada's payment is refused, because 3D Secure failed
    And Ada's Visa card is never charged
    And Ada's Total Amount Due is USD 110.00
