#!/usr/bin/perl
# Fills the throwaway RT with a backlog for the benchmarks: a queue
# "Backlog" of N tickets (default 1000) from 50 requesters, created through
# RT's own API (seconds, where the REST API would take minutes). Run with
# RT_SITE_CONFIG and RT_SITE_CONFIG_DIR set, as rt.sh does; does nothing if
# the queue already holds N tickets.
use strict;
use warnings;
use RT -init;
use MIME::Entity;

my $count = shift // 1000;
my $system = RT->SystemUser;

my $queue = RT::Queue->new($system);
$queue->Load('Backlog');
unless ($queue->Id) {
    my ($ok, $msg) = $queue->Create(Name => 'Backlog', Description => 'A year of requests');
    die "queue Backlog: $msg\n" unless $ok;
}
my $have = RT::Tickets->new($system);
$have->FromSQL("Queue = 'Backlog'");
exit 0 if $have->Count >= $count;

my @subjects = ('Projector in room %d flickers', 'Bus %d late again this morning',
                'Password reset for staff member %d', 'Broken lock on locker %d',
                'Lunch account balance question %d', 'Leave request form %d');
for my $i ($have->Count + 1 .. $count) {
    my $email = sprintf 'requester%02d@school.test', $i % 50;
    my $person = RT::User->new($system);
    $person->LoadOrCreateByEmail($email);
    my $ticket = RT::Ticket->new(RT::CurrentUser->new($person));
    my ($id, undef, $msg) = $ticket->Create(
        Queue     => $queue->Id,
        Subject   => sprintf($subjects[$i % @subjects], $i),
        Requestor => [$email],
        MIMEObj   => MIME::Entity->build(
            Type => 'text/plain', Charset => 'UTF-8', From => $email,
            Data => ["Request $i: please have a look when you can.\n"],
        ),
    );
    die "ticket $i: $msg\n" unless $id;
}
