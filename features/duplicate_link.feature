Feature: One payment method, one account
  A bank card (by its number) or a PayPal account can be linked to one account only; linking it to
  a second account is refused. That includes an account that was closed and is still in its
  30-day cool-down. Removing the method from the first account frees it at once.

  Background:
    Given it is 5 January 2026 12:00 UTC
    And the cool-down after closing an account lasts 30 days
    And Ada's default payment method is a Visa card
    And Bob has an account in the United States

  @LINK-1
  Scenario Outline: A card already linked elsewhere is refused
    When Bob links <whose method>
    Then Bob's Visa card is not linked, because it is already linked to another account
    And Ada's Visa card is still linked

    Examples:
      | whose method                            |
      | Ada's Visa card                         |
      | Ada's Visa card with a new expiry date  |

  @LINK-1
  Scenario: A PayPal account already linked elsewhere is refused
    Given Ada also has PayPal
    When Bob links Ada's PayPal
    Then Bob's PayPal is not linked, because it is already linked to another account
    And Ada's PayPal is still linked

  @LINK-2
  Scenario Outline: A closed account keeps its card through a 30-day cool-down
    When Ada closes her account
    And <days> days pass
    And Bob links Ada's Visa card
    Then Bob's Visa card is <result>

    Examples:
      | days | result                                                    |
      | 29   | not linked, because it is already linked to another account |
      | 30   | linked                                                    |
      | 31   | linked                                                    |

  @LINK-2
  Scenario: The cool-down is a setting; a shorter one frees the card sooner
    Given the cool-down after closing an account lasts 7 days
    When Ada closes her account
    And 6 days pass
    And Bob links Ada's Visa card
    Then Bob's Visa card is not linked, because it is already linked to another account
    When 1 day passes
    And Bob links Ada's Visa card
    Then Bob's Visa card is linked

  @LINK-2 @LINK-1
  Scenario: Removing a card from the first account frees it at once
    When Ada removes her Visa card
    And Bob links Ada's Visa card
    Then Bob's Visa card is linked

  @LINK-2 @LINK-1
  Scenario: Removing PayPal from the first account frees it at once
    Given Ada also has PayPal
    When Ada removes her PayPal
    And Bob links Ada's PayPal
    Then Bob's PayPal is linked
