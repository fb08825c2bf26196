"""The Insights area: period bar, tabs and charts over the insights service."""
