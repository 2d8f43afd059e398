"""All SQL lives in these modules; services call them inside a transaction they don't own."""
