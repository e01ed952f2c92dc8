#!/usr/bin/perl
# Seeds the throwaway RT for the live tests: queues (IT with an SLA), two
# agents with auth tokens, and tickets with conversations. Run by rt.sh with
# RT_SITE_CONFIG set; prints shell assignments of the tokens.
use strict;
use warnings;
use RT -init;
use MIME::Entity;

my $system = RT->SystemUser;

sub check {
    my ($what, $ok, $msg) = @_;
    die "$what: $msg\n" unless $ok;
}

# Queues: IT has the SLA; Facilities has none.
my %queues;
for my $spec (['IT', 'Devices, accounts, networks'], ['Facilities', 'Buildings and repairs']) {
    my $q = RT::Queue->new($system);
    my ($ok, $msg) = $q->Create(Name => $spec->[0], Description => $spec->[1]);
    check("queue $spec->[0]", $ok, $msg);
    $queues{$spec->[0]} = $q;
}
{
    my ($ok, $msg) = $queues{IT}->SetSLADisabled(0);
    check('SLA on IT', $ok, $msg);
}
$queues{General} = RT::Queue->new($system);
$queues{General}->Load('General');

# Agents can see and work every queue.
my $privileged = RT::Group->new($system);
$privileged->LoadSystemInternalGroup('Privileged');
for my $right (qw(SeeQueue ShowTicket ShowTicketComments CreateTicket ReplyToTicket
                  CommentOnTicket OwnTicket ModifyTicket TakeTicket StealTicket ReassignTicket
                  ShowOutgoingEmail SeeCustomField ModifyCustomField)) {
    my ($ok, $msg) = $privileged->PrincipalObj->GrantRight(Right => $right, Object => RT->System);
    check("right $right", $ok, $msg);
}
# Ticket custom fields on every queue: a school from a list, a free
# employee id, and the channel a request came by (a profile's channel_field).
for my $spec (['School', 'Select', ['North High', 'South Middle', 'East Elementary']],
              ['Employee ID', 'Freeform', []],
              ['Channel', 'Select', [qw(phone walk-in email web sms chat social)]]) {
    my ($name, $type, $values) = @$spec;
    my $cf = RT::CustomField->new($system);
    my ($ok, $msg) = $cf->Create(Name => $name, Type => $type, MaxValues => 1,
                                 LookupType => RT::Ticket->CustomFieldLookupType);
    check("custom field $name", $ok, $msg);
    my $order = 0;
    for my $value (@$values) {
        ($ok, $msg) = $cf->AddValue(Name => $value, SortOrder => $order++);
        check("value $value of $name", $ok, $msg);
    }
    ($ok, $msg) = $cf->AddToObject(RT::Queue->new($system));
    check("custom field $name on every queue", $ok, $msg);
}
# Requesters write in, as they would by email or the web.
my $everyone = RT::Group->new($system);
$everyone->LoadSystemInternalGroup('Everyone');
for my $right (qw(CreateTicket ReplyToTicket)) {
    my ($ok, $msg) = $everyone->PrincipalObj->GrantRight(Right => $right, Object => RT->System);
    check("right $right for everyone", $ok, $msg);
}

my %agents;
for my $spec (['alice', 'Alice Rivera'], ['bob', 'Bob Chen']) {
    my $user = RT::User->new($system);
    my ($ok, $msg) = $user->Create(
        Name         => $spec->[0],
        RealName     => $spec->[1],
        EmailAddress => "$spec->[0]\@deskterm.test",
        Privileged   => 1,
        Password     => "password-$spec->[0]",
    );
    check("user $spec->[0]", $ok, $msg);
    $agents{$spec->[0]} = $user;
}

sub token_for {
    my ($user) = @_;
    # As the system user: agents are not granted ManageAuthTokens.
    my $token = RT::AuthToken->new($system);
    my ($id, $msg, $secret) = $token->Create(Owner => $user->Id, Description => 'deskterm live tests');
    check("token for " . $user->Name, $id, $msg);
    return $secret;
}
print "ALICE_TOKEN=" . token_for($agents{alice}) . "\n";
print "BOB_TOKEN=" . token_for($agents{bob}) . "\n";

sub body {
    my ($text, $type, %headers) = @_;
    return MIME::Entity->build(
        Type     => $type || 'text/plain',
        Charset  => 'UTF-8',
        Encoding => 'quoted-printable',
        Data     => [$text],
        %headers,
    );
}

sub as {
    my ($name) = @_;
    return RT::CurrentUser->new($agents{$name});
}

# Tickets: subject, queue, requestor, first message, then a list of steps.
my @tickets = (
    ['Projector in room 204 will not connect', 'IT', 'maria.lopez@school.test',
     'The projector in room 204 shows "no signal" from my laptop.',
     [[reply => alice => 'Could you try the HDMI input labelled Input 2?'], [status => alice => 'stalled']]],
    ['Chromebook screen cracked', 'IT', 'parent.kim@example.test',
     'The screen cracked when the backpack fell. What do we do?',
     [[note => bob => 'Check the 1:1 device list before the swap.'], [take => bob => '']]],
    ['Password reset - locked out', 'IT', 'teacher.ng@school.test',
     'I am locked out of my account after too many tries.',
     [[take => alice => ''], [reply => alice => 'I have reset it; check your recovery phone.'], [status => alice => 'resolved']]],
    ['Wi-Fi down in the library', 'IT', 'librarian@school.test',
     'None of the devices in the library can get on the Wi-Fi.',
     [[priority => alice => 90], [take => alice => ''],
      [html => alice => '<p>We see the <b>access point</b> offline.</p><ul><li>A technician is on the way</li><li>Spare AP ready</li></ul><p>Thanks &amp; sorry!</p>']]],
    ['No heat in classroom 118', 'Facilities', 'teacher.ortiz@school.test',
     'Room 118 is 58 degrees this morning.',
     [[reply => bob => 'A technician will be there within two hours.']]],
    ['Water leak in gym ceiling', 'Facilities', 'coach@school.test',
     'Water is dripping from the gym ceiling near the bleachers.',
     [[priority => bob => 80]]],
    ["Printer \e[31mon fire\e[0m \e]0;owned\a in the office", 'General', 'someone@community.test',
     "Please look.\e]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\a The screen should not clear.\e[2J",
     []],
    ['Bus 12 late again', 'General', 'parent.wong@example.test',
     'Bus 12 was 25 minutes late again this morning.',
     [[note => alice => 'Forward to Transportation.']]],
);
for my $i (1 .. 14) {
    push @tickets, ["Request $i: new laptop for staff member", 'IT', "staff$i\@school.test",
                    "Staff member $i needs a laptop for the new term.", []];
}

for my $spec (@tickets) {
    my ($subject, $queue, $requestor, $text, $steps) = @$spec;
    my $person = RT::User->new($system);
    my ($uid, $umsg) = $person->LoadOrCreateByEmail($requestor);
    check("requestor $requestor", $uid, $umsg);
    my $ticket = RT::Ticket->new(RT::CurrentUser->new($person));
    my ($id, $txn, $msg) = $ticket->Create(
        Queue     => $queues{$queue}->Id,
        Subject   => $subject,
        Requestor => [$requestor],
        MIMEObj   => body($text, 'text/plain', From => $requestor),
    );
    check("ticket $subject", $id, $msg);
    for my $step (@$steps) {
        my ($kind, $who, $value) = @$step;
        my $t = RT::Ticket->new(as($who));
        $t->Load($id);
        my ($ok, $m);
        if ($kind eq 'reply') {
            ($ok, $m) = $t->Correspond(MIMEObj => body($value));
        } elsif ($kind eq 'html') {
            ($ok, $m) = $t->Correspond(MIMEObj => body($value, 'text/html'));
        } elsif ($kind eq 'note') {
            ($ok, $m) = $t->Comment(MIMEObj => body($value));
        } elsif ($kind eq 'status') {
            ($ok, $m) = $t->SetStatus($value);
        } elsif ($kind eq 'take') {
            ($ok, $m) = $t->SetOwner($agents{$who}->Id);
        } elsif ($kind eq 'priority') {
            ($ok, $m) = $t->SetPriority($value);
        }
        check("$kind on $subject", $ok, $m);
    }
}

# Ticket 23: a reply carrying a 15 MB scan (the console lists it and never
# downloads it to show the conversation).
{
    my $person = RT::User->new($system);
    my ($uid, $umsg) = $person->LoadOrCreateByEmail('clerk@school.test');
    check('requestor clerk@school.test', $uid, $umsg);
    my $ticket = RT::Ticket->new(RT::CurrentUser->new($person));
    my ($id, $txn, $msg) = $ticket->Create(
        Queue     => $queues{General}->Id,
        Subject   => 'Signed lease for the annex',
        Requestor => ['clerk@school.test'],
        MIMEObj   => body('Could you file the signed lease?', 'text/plain', From => 'clerk@school.test'),
    );
    check('ticket with a big attachment', $id, $msg);
    # Bytes that do not compress, as a scan's would: a random block repeated.
    my $block = pack('C*', map { int rand 256 } 1 .. 65536);
    my $scan = substr($block x 230, 0, 15 * 1000 * 1000);
    my $reply = MIME::Entity->build(Type => 'multipart/mixed');
    $reply->attach(Type => 'text/plain', Charset => 'UTF-8', Encoding => 'quoted-printable',
                   Data => ['Here is the scan of the signed lease.']);
    $reply->attach(Type => 'application/pdf', Encoding => 'base64', Filename => 'lease-scan.pdf',
                   Disposition => 'attachment', Data => $scan);
    my $t = RT::Ticket->new(as('alice'));
    $t->Load($id);
    my ($ok, $m) = $t->Correspond(MIMEObj => $reply);
    check('reply with the scan', $ok, $m);
}

# Ticket 24: a requester pastes a 1 MB log into a message (shown cut).
{
    my $person = RT::User->new($system);
    my ($uid, $umsg) = $person->LoadOrCreateByEmail('lab.tech@school.test');
    check('requestor lab.tech@school.test', $uid, $umsg);
    my $ticket = RT::Ticket->new(RT::CurrentUser->new($person));
    my $log = join '', map { sprintf("%06d kiosk-3 sync failed: timeout after 30 s, retrying\n", $_) } 1 .. 16000;
    my ($id, $txn, $msg) = $ticket->Create(
        Queue     => $queues{General}->Id,
        Subject   => 'Lab kiosk sync log',
        Requestor => ['lab.tech@school.test'],
        MIMEObj   => body("The kiosk keeps failing; the log is below.\n\n$log", 'text/plain',
                          From => 'lab.tech@school.test'),
    );
    check('ticket with a big message', $id, $msg);
    my $t = RT::Ticket->new(as('bob'));
    $t->Load($id);
    my ($ok, $m) = $t->Correspond(MIMEObj => body('Thanks, I will look at kiosk 3 today.'));
    check('reply to the big message', $ok, $m);
}
