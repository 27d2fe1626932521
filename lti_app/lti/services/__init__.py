"""LTI Advantage service clients (AGS, NRPS) and the OAuth2 service tokens they need."""
