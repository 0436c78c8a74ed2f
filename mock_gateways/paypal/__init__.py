"""Mock PayPal: a pure-Python core speaking PayPal's REST shapes (vault setup and payment tokens,
orders, authorizations, captures) and a Flask app over it with the buyer's approval page."""
