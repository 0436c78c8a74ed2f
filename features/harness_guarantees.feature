Feature: What the harness itself guarantees
  The billing system and every mock payment gateway read one simulated clock; the same story
  with the same seed writes the same event log byte for byte, however the gateways are reached;
  money is never a float and nothing is lost to rounding; no full card number or CVV is shown.

  @H-1
  Scenario: The billing system and every payment gateway read the same clock
    Given it is 31 December 2025 23:00 UTC
    And Ada's default payment method is a Visa card
    And Bob's default payment method is PayPal with a threshold of USD 8.00
    And Chloe has an account in Germany
    And Ada uses qwen-max for USD 600.00 an hour
    And Bob uses qwen-plus for USD 5.00 an hour
    When the clock reaches 1 January 2026 01:00 UTC
    And Chloe links a Mastercard
    And the clock reaches 8 January 2026 00:00 UTC
    Then the card processor, the 3D Secure server and PayPal dated every record at a moment the billing system logged
    And the card processor released each check exactly when the billing system logged its release

  @H-2
  Scenario: The same story and seed give a byte-identical event log, however the gateways are reached
    Given it is 31 January 2026 20:00 UTC
    And Ada's default payment method is a Visa card whose later charges are declined
    And Ada also has a Mastercard
    And Bob's default payment method is PayPal with a threshold of USD 50.00
    And Chloe has an account in Malaysia
    And Ada uses qwen-max for USD 300.00 an hour
    And Bob uses qwen-plus for USD 20.00 an hour
    When the clock reaches 31 January 2026 23:50 UTC
    And Ada pays everything she owes with her Mastercard
    And Chloe links a Visa card issued in Malaysia
    And the clock reaches 1 February 2026 02:00 UTC
    Then telling the story again with the same seed writes the same event log, byte for byte
    And telling it again in process, through the gateways' web applications and over network sockets writes the same event log, byte for byte
    And telling it again with another seed writes a different event log

  @H-3
  Scenario: Fees accrue exactly and nothing is lost to rounding
    Given it is 30 December 2025 00:00 UTC
    And Ada's default payment method is a Visa card
    And Ada has an account in Germany with 19% tax
    And Ada uses qwen-max for USD 100.00 a month
    And Ada uses qwen-plus for USD 7.77 a day
    When the clock reaches 1 February 2026 00:30 UTC
    Then Ada's fees add up to what she paid plus what she owes, to the cent
    And every amount in the event log has exactly two decimal places

  @H-4
  Scenario: No full card number or security code ever appears
    Given it is 6 January 2026 00:00 UTC
    And Ada's default payment method is a Visa card
    And Bob has an account in the United States
    And Ada uses qwen-max for USD 100.00 an hour
    When Bob links Ada's Visa card
    And Bob links a card with a card number that fails the checksum
    And the clock reaches 6 January 2026 11:00 UTC
    Then no event shows a full card number or a security code
    And cards appear in the event log as brand and last four digits only
