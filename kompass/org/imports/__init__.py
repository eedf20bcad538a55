"""The org app's row checks for imports: org units (`orgunits`, as rows and as a tree) and people
(`people`). The kinds that use them are in `kompass.org.importers`; the file machinery is the
tabular layer's (`kompass.tabular`)."""
