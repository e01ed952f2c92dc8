# Serves a throwaway Redmine with WEBrick (run by redmine.sh as
# `ruby -rwebrick redmine-server.rb PORT`): Debian's Redmine has no server
# in its bundle, and WEBrick loaded before Bundler stays loadable.
require 'webrick'
port = Integer(ARGV.fetch(0))
ENV['RAILS_ENV'] ||= 'production'
Dir.chdir('/usr/share/redmine')
require '/usr/share/redmine/config/environment'
require 'rack/handler/webrick'
require 'rack/lock'
# One request at a time: SQLite under WEBrick's threads can deadlock two
# writers ("database is locked"); a real Redmine has a real database.
ActiveJob::Base.queue_adapter = :inline
Rack::Handler::WEBrick.run(Rack::Lock.new(Rails.application), Host: '127.0.0.1', Port: port,
                           AccessLog: [], Logger: WEBrick::Log.new($stderr, WEBrick::Log::WARN))
