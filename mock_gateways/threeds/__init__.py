"""The mock 3D Secure server (with its ACS): EMV 3DS authentication, frictionless or with an
HTML one-time-code challenge that times out after 10 simulated minutes."""
