# Seeds a throwaway Redmine for deskterm's live tests (run by redmine.sh
# through `rails runner`). Prints shell assignments for the env it starts.
Setting.rest_api_enabled = '1'
Setting.default_language = 'en'
Setting.issue_group_assignment = '1'
Setting.text_formatting = ''
Setting.login_required = '1'
# No mail: a throwaway server has no one to tell, and Redmine's mail jobs
# run on threads of their own that lock SQLite under the seed's writes.
Setting.notified_events = []
ActionMailer::Base.perform_deliveries = false
ActiveJob::Base.queue_adapter = :inline

def check(what, record)
  return record if record.persisted? && record.errors.empty?
  warn "redmine-seed: #{what}: #{record.errors.full_messages.join(', ')}"
  exit 1
end

def user(login, first, last, admin: false)
  u = User.new(firstname: first, lastname: last, mail: "#{login}@deskterm.test",
               language: 'en', admin: admin)
  u.login = login
  u.password = u.password_confirmation = "#{login}-password-123"
  u.status = User::STATUS_ACTIVE
  u.mail_notification = 'none'
  check("user #{login}", (u.save; u))
end

# Alice administers the desk too: Redmine shows users' addresses and custom
# fields' allowed values only to administrators. Bob is an agent only.
alice = user('alice', 'Alice', 'Rivera', admin: true)
bob = user('bob', 'Bob', 'Tech')
carol = user('carol', 'Carol', 'Parent')
dave = user('dave', 'Dave', 'Outsider')
# People copied on answers (watchers must have accounts, and be members).
principal = user('principal', 'Pat', 'Principal')
principal.update!(mail: 'principal@example.org')
nurse = user('nurse', 'Nia', 'Nurse')
nurse.update!(mail: 'nurse@example.org')

desk = Group.new(lastname: 'Help Desk')
check('group', (desk.save; desk))
desk.users << alice
desk.users << bob

manager = Role.find_by!(name: 'Manager')
developer = Role.find_by!(name: 'Developer')
reporter = Role.find_by!(name: 'Reporter')
# Agents see and write private notes; requesters only report.
[manager, developer].each do |role|
  role.add_permission!(:view_private_notes, :set_notes_private, :view_time_entries,
                       :log_time, :add_issue_watchers, :delete_issue_watchers,
                       :manage_issue_relations, :view_issue_watchers)
end

school = IssueCustomField.new(name: 'School', field_format: 'list',
                              possible_values: ['North High', 'South Middle', 'East Elementary'],
                              is_for_all: true, visible: true, editable: true, is_filter: true,
                              searchable: true)
school.tracker_ids = Tracker.pluck(:id)
check('custom field School', (school.save; school))
employee = IssueCustomField.new(name: 'Employee ID', field_format: 'string',
                                is_for_all: true, visible: true, editable: true, is_filter: true,
                              searchable: true)
employee.tracker_ids = Tracker.pluck(:id)
check('custom field Employee ID', (employee.save; employee))
# The address of a requester who has no account (a caller), as Redmine help
# desks keep it; deskterm's profile names it as `requester_field`.
requester = IssueCustomField.new(name: 'Requester email', field_format: 'string',
                                 is_for_all: true, visible: true, editable: true, is_filter: true,
                              searchable: true)
requester.tracker_ids = Tracker.pluck(:id)
check('custom field Requester email', (requester.save; requester))

projects = [['Support', 'support'], ['Facilities', 'facilities']].map do |name, identifier|
  p = Project.new(name: name, identifier: identifier, is_public: false)
  p.enabled_module_names = %w[issue_tracking time_tracking]
  p.trackers = Tracker.all
  check("project #{name}", (p.save; p))
  [[alice, manager], [bob, developer], [carol, reporter], [principal, reporter],
   [nurse, reporter]].each do |member, role|
    check("member #{member.login}", Member.create(project: p, principal: member, roles: [role]))
  end
  check('group member', Member.create(project: p, principal: desk, roles: [developer]))
  p
end
support, facilities = projects
tracker = Tracker.find_by(name: 'Support') || Tracker.first
normal = IssuePriority.find_by(name: 'Normal') || IssuePriority.default

User.current = carol
issues = (1..16).map do |n|
  issue = Issue.new(project: n <= 12 ? support : facilities, tracker: tracker,
                    subject: "Request #{n}", description: "Something is wrong with thing #{n}.",
                    author: carol, priority: normal)
  check("issue #{n}", (issue.save; issue))
  issue.reload
end
User.current = alice
issues[0].init_journal(alice, 'A public answer from the desk.')
issues[0].save!
User.current = bob
first = Issue.find(issues[0].id)
journal = first.init_journal(bob, 'An internal note: agents only.')
journal.private_notes = true
first.save!
# A file on the second issue.
User.current = carol
file = Attachment.new(file: "Printer log\nline 2\n", filename: 'printer.log',
                      content_type: 'text/plain', author: carol)
file.container = issues[1]
check('attachment', (file.save; file))

puts "REDMINE_ALICE_KEY=#{alice.api_key}"
puts "REDMINE_BOB_KEY=#{bob.api_key}"
puts "REDMINE_CAROL_KEY=#{carol.api_key}"
puts "REDMINE_DAVE_KEY=#{dave.api_key}"
puts "REDMINE_FIRST_ISSUE=#{issues.first.id}"
puts "REDMINE_SUPPORT_ID=#{support.id}"
puts "REDMINE_FACILITIES_ID=#{facilities.id}"
