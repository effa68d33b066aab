CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE api_tokens (
	name VARCHAR(64) NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	revoked_at DATETIME, 
	PRIMARY KEY (name), 
	UNIQUE (token_hash)
);
CREATE TABLE downloads (
	id VARCHAR(32) NOT NULL, 
	episode_id VARCHAR(32) NOT NULL, 
	day DATE NOT NULL, 
	listener VARCHAR(64), 
	bytes BIGINT DEFAULT '0' NOT NULL, 
	counted_at DATETIME, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_download_listener UNIQUE (episode_id, day, listener)
);
CREATE TABLE episodes (
	id VARCHAR(32) NOT NULL, 
	guid VARCHAR(64) NOT NULL, 
	feed VARCHAR(64) NOT NULL, 
	source_key VARCHAR(512) NOT NULL, 
	source TEXT DEFAULT '' NOT NULL, 
	article_json TEXT DEFAULT '' NOT NULL, 
	script_json TEXT DEFAULT '' NOT NULL, 
	title TEXT DEFAULT '' NOT NULL, 
	author TEXT, 
	site TEXT, 
	language VARCHAR(16) DEFAULT 'en' NOT NULL, 
	link TEXT, 
	published DATE, 
	description TEXT DEFAULT '' NOT NULL, 
	engine VARCHAR(32) DEFAULT '' NOT NULL, 
	voice TEXT DEFAULT '' NOT NULL, 
	status VARCHAR(16) DEFAULT 'queued' NOT NULL, 
	reason TEXT, 
	render_id VARCHAR(32) DEFAULT '' NOT NULL, 
	segments_total INTEGER DEFAULT '0' NOT NULL, 
	segments_done INTEGER DEFAULT '0' NOT NULL, 
	phase_progress INTEGER DEFAULT '0' NOT NULL, 
	attempts INTEGER DEFAULT '0' NOT NULL, 
	notice TEXT, 
	fingerprint VARCHAR(64), 
	rev VARCHAR(32), 
	audio_path TEXT, 
	transcript_path TEXT, 
	chapters_path TEXT, 
	bytes INTEGER, 
	duration FLOAT, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	published_at DATETIME, exit_code INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_episode_source UNIQUE (feed, source_key), 
	UNIQUE (guid)
);
CREATE TABLE listener_salts (
	day DATE NOT NULL, 
	salt VARCHAR(64) NOT NULL, 
	PRIMARY KEY (day)
);
CREATE TABLE log_imports (
	id VARCHAR(32) NOT NULL, 
	digest VARCHAR(64) NOT NULL, 
	size BIGINT NOT NULL, 
	requests INTEGER DEFAULT '0' NOT NULL, 
	imported_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE source_entries (
	id INTEGER NOT NULL, 
	source_id VARCHAR(16) NOT NULL, 
	"key" VARCHAR(64) NOT NULL, 
	link TEXT DEFAULT '' NOT NULL, 
	title TEXT DEFAULT '' NOT NULL, 
	published DATETIME, 
	updated TEXT, 
	feed_hash VARCHAR(64), 
	content_hash VARCHAR(64), 
	state VARCHAR(16) DEFAULT 'queued' NOT NULL, 
	reason TEXT, 
	episode_id VARCHAR(32), 
	seen_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_source_entry UNIQUE (source_id, "key")
);
CREATE TABLE sources (
	id VARCHAR(16) NOT NULL, 
	url VARCHAR(2048) NOT NULL, 
	feed VARCHAR(64) NOT NULL, 
	since DATETIME NOT NULL, 
	backfill INTEGER DEFAULT '0' NOT NULL, 
	unpublish_missing BOOLEAN DEFAULT 0 NOT NULL, 
	secret TEXT DEFAULT '' NOT NULL, 
	kind VARCHAR(16) DEFAULT '' NOT NULL, 
	etag TEXT, 
	last_modified TEXT, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	polled_at DATETIME, 
	checked_at DATETIME, 
	poll_result TEXT, 
	poll_error TEXT, 
	poll_queued TEXT DEFAULT '' NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (url)
);
CREATE TABLE staff_sessions (
	id_hash VARCHAR(64) NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	expires_at DATETIME NOT NULL, 
	PRIMARY KEY (id_hash)
);
CREATE INDEX ix_downloads_day ON downloads (day);
CREATE INDEX ix_downloads_episode_id ON downloads (episode_id);
CREATE INDEX ix_episodes_feed ON episodes (feed);
CREATE INDEX ix_episodes_status ON episodes (status);
CREATE INDEX ix_log_imports_digest ON log_imports (digest);
CREATE INDEX ix_source_entries_source_id ON source_entries (source_id);
CREATE INDEX ix_staff_sessions_expires_at ON staff_sessions (expires_at);
CREATE INDEX ix_staff_sessions_token_hash ON staff_sessions (token_hash);
INSERT INTO alembic_version (version_num) VALUES ('0005');
