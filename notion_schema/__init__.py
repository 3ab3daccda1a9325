"""notion_schema package."""
