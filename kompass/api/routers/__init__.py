"""The API's routers, one per area: Kommunen, org units, people, imports."""
