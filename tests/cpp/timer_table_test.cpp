// The connection's timer table: next() is the earliest deadline set, expired() and stop() per slot.
#define BOOST_TEST_MODULE timer_table
#include <boost/test/unit_test.hpp>

#include "core/timer_table.hpp"

using namespace websrt::core;

BOOST_AUTO_TEST_CASE(an_empty_table_has_no_next_deadline) {
    TimerTable table;
    BOOST_TEST(!table.next().has_value());
    BOOST_TEST(!table.expired(Timer::keepalive, 1'000'000));
}

BOOST_AUTO_TEST_CASE(next_is_the_earliest_slot_whatever_its_kind) {
    TimerTable table;
    table.set(Timer::keepalive, 500);
    table.set(Timer::unread_expiry, 200);
    table.set(Timer::connect_deadline, 900);
    BOOST_TEST(*table.next() == 200);
    table.stop(Timer::unread_expiry);
    BOOST_TEST(*table.next() == 500);
    table.set(Timer::keepalive, std::nullopt);
    BOOST_TEST(*table.next() == 900);
}

BOOST_AUTO_TEST_CASE(a_slot_expires_at_its_deadline_and_not_before) {
    TimerTable table;
    table.set(Timer::full_ack, 100);
    BOOST_TEST(!table.expired(Timer::full_ack, 99));
    BOOST_TEST(table.expired(Timer::full_ack, 100));
    BOOST_TEST(!table.expired(Timer::periodic_nak, 100));
    table.stop_all();
    BOOST_TEST(!table.next().has_value());
}
