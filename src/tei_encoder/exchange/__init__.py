"""Exchange with other archives and tools: DTS and OAI-PMH server, CMIF, register exports, teiCorpus, BagIt."""
