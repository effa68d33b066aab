"""Publishing for listeners: public files, the feed, and the pages, all under NARRATE_HOME/public."""
