<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>Plural</name>
    <message numerus="yes">
        <source> working day(s) after the previous step</source>
        <translation>
            <numerusform> working day after the previous step</numerusform>
            <numerusform> working days after the previous step</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n account(s) found</source>
        <translation>
            <numerusform>%n account found</numerusform>
            <numerusform>%n accounts found</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n activity(ies)</source>
        <translation>
            <numerusform>%n activity</numerusform>
            <numerusform>%n activities</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n activity(ies) and follow-up(s)</source>
        <translation>
            <numerusform>%n activity or follow-up</numerusform>
            <numerusform>%n activities and follow-ups</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n contact(s) added.</source>
        <translation>
            <numerusform>%n contact added.</numerusform>
            <numerusform>%n contacts added.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n converted lead(s) left as they are.</source>
        <translation>
            <numerusform>%n converted lead left as it is.</numerusform>
            <numerusform>%n converted leads left as they are.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n criterion(s)</source>
        <translation>
            <numerusform>%n criterion</numerusform>
            <numerusform>%n criteria</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n deal(s)</source>
        <translation>
            <numerusform>%n deal</numerusform>
            <numerusform>%n deals</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n deal(s) lost in this period.</source>
        <translation>
            <numerusform>%n deal lost in this period.</numerusform>
            <numerusform>%n deals lost in this period.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n employee(s)</source>
        <translation>
            <numerusform>%n employee</numerusform>
            <numerusform>%n employees</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n item</numerusform>
            <numerusform>%n items</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s) deleted for good.</source>
        <translation>
            <numerusform>%n item deleted for good.</numerusform>
            <numerusform>%n items deleted for good.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n lead(s)</source>
        <translation>
            <numerusform>%n lead</numerusform>
            <numerusform>%n leads</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n lead(s) and deal(s) follow the new names.</source>
        <translation>
            <numerusform>%n lead or deal follows the new names.</numerusform>
            <numerusform>%n leads and deals follow the new names.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n lead(s) moved to the trash. Ctrl+Z brings them back.</source>
        <translation>
            <numerusform>%n lead moved to the trash. Ctrl+Z brings it back.</numerusform>
            <numerusform>%n leads moved to the trash. Ctrl+Z brings them back.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n line(s)</source>
        <translation>
            <numerusform>%n line</numerusform>
            <numerusform>%n lines</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n merged field(s)</source>
        <translation>
            <numerusform>%n merged field</numerusform>
            <numerusform>%n merged fields</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n more to reach your goal</source>
        <translation>
            <numerusform>%n more to reach your goal</numerusform>
            <numerusform>%n more to reach your goal</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n open deal(s)</source>
        <translation>
            <numerusform>%n open deal</numerusform>
            <numerusform>%n open deals</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n opportunity(ies)</source>
        <translation>
            <numerusform>%n opportunity</numerusform>
            <numerusform>%n opportunities</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n person(s) enrolled in it now: their enrolments stop (kept in their history).</source>
        <translation>
            <numerusform>%n person is enrolled in it now: their enrolments stop (kept in their history).</numerusform>
            <numerusform>%n people are enrolled in it now: their enrolments stop (kept in their history).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n rep(s)</source>
        <translation>
            <numerusform>%n rep</numerusform>
            <numerusform>%n reps</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n rep(s), live from the team database {0}</source>
        <translation>
            <numerusform>%n rep, live from the team database {0}</numerusform>
            <numerusform>%n reps, live from the team database {0}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n row(s) exported to {0}</source>
        <translation>
            <numerusform>%n row exported to {0}</numerusform>
            <numerusform>%n rows exported to {0}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n source(s)</source>
        <translation>
            <numerusform>%n source</numerusform>
            <numerusform>%n sources</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n stage(s)</source>
        <translation>
            <numerusform>%n stage</numerusform>
            <numerusform>%n stages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n stale</source>
        <translation>
            <numerusform>%n stale</numerusform>
            <numerusform>%n stale</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n step(s)</source>
        <translation>
            <numerusform>%n step</numerusform>
            <numerusform>%n steps</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n touched lead(s)</source>
        <translation>
            <numerusform>%n touched lead</numerusform>
            <numerusform>%n touched leads</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n working day(s)</source>
        <translation>
            <numerusform>%n working day</numerusform>
            <numerusform>%n working days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>+ %n more: see the table view</source>
        <translation>
            <numerusform>+ %n more: see the table view</numerusform>
            <numerusform>+ %n more: see the table view</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;Team&lt;/b&gt; — %n rep(s); period {0} to {1}</source>
        <translation>
            <numerusform>&lt;b&gt;Team&lt;/b&gt; — %n rep; period {0} to {1}</numerusform>
            <numerusform>&lt;b&gt;Team&lt;/b&gt; — %n reps; period {0} to {1}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete %n item(s) for good?</source>
        <translation>
            <numerusform>Delete %n item for good?</numerusform>
            <numerusform>Delete %n items for good?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete all %n item(s) in the trash for good?</source>
        <translation>
            <numerusform>Delete the %n item in the trash for good?</numerusform>
            <numerusform>Delete all %n items in the trash for good?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Disqualify %n lead(s)</source>
        <translation>
            <numerusform>Disqualify %n lead</numerusform>
            <numerusform>Disqualify %n leads</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n open follow-up(s) to {0}. Export again any time: your calendar updates them.</source>
        <translation>
            <numerusform>Exported %n open follow-up to {0}. Export again any time: your calendar updates it.</numerusform>
            <numerusform>Exported %n open follow-ups to {0}. Export again any time: your calendar updates them.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Mark %n lead(s) qualified</source>
        <translation>
            <numerusform>Mark %n lead qualified</numerusform>
            <numerusform>Mark %n leads qualified</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Mark %n lead(s) working</source>
        <translation>
            <numerusform>Mark %n lead working</numerusform>
            <numerusform>Mark %n leads working</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n lead(s) back to new</source>
        <translation>
            <numerusform>Move %n lead back to new</numerusform>
            <numerusform>Move %n leads back to new</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n lead(s) to the trash</source>
        <translation>
            <numerusform>Move %n lead to the trash</numerusform>
            <numerusform>Move %n leads to the trash</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Nurture %n lead(s)</source>
        <translation>
            <numerusform>Nurture %n lead</numerusform>
            <numerusform>Nurture %n leads</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Park %n lead(s) and bring them back on this date:</source>
        <translation>
            <numerusform>Park %n lead and bring it back on this date:</numerusform>
            <numerusform>Park %n leads and bring them back on this date:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Reading %n file(s)…</source>
        <translation>
            <numerusform>Reading %n file…</numerusform>
            <numerusform>Reading %n files…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Restore %n item(s) from the trash</source>
        <translation>
            <numerusform>Restore %n item from the trash</numerusform>
            <numerusform>Restore %n items from the trash</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Show all %n…</source>
        <translation>
            <numerusform>Show all %n…</numerusform>
            <numerusform>Show all %n…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Source: %n chosen</source>
        <translation>
            <numerusform>Source: %n chosen</numerusform>
            <numerusform>Source: %n chosen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Speed-to-lead counts inbound and referral leads only; %n cold/list lead(s) left out.</source>
        <translation>
            <numerusform>Speed-to-lead counts inbound and referral leads only; %n cold/list lead left out.</numerusform>
            <numerusform>Speed-to-lead counts inbound and referral leads only; %n cold/list leads left out.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Target accounts untouched for %n day(s) or more</source>
        <translation>
            <numerusform>Target accounts untouched for %n day or more</numerusform>
            <numerusform>Target accounts untouched for %n days or more</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Team (%n rep(s))</source>
        <translation>
            <numerusform>Team (%n rep)</numerusform>
            <numerusform>Team (%n reps)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Why is this out? (%n lead(s))</source>
        <translation>
            <numerusform>Why is this out? (%n lead)</numerusform>
            <numerusform>Why is this out? (%n leads)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{0} · last %n day(s)</source>
        <translation>
            <numerusform>{0} · last %n day</numerusform>
            <numerusform>{0} · last %n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{0}: %n deal(s), {1}; weighted {2}</source>
        <translation>
            <numerusform>{0}: %n deal, {1}; weighted {2}</numerusform>
            <numerusform>{0}: %n deals, {1}; weighted {2}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… and %n more.</source>
        <translation>
            <numerusform>… and %n more.</numerusform>
            <numerusform>… and %n more.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n new account(s)</source>
        <translation>
            <numerusform>%n new account</numerusform>
            <numerusform>%n new accounts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n account(s)</source>
        <translation>
            <numerusform>%n account</numerusform>
            <numerusform>%n accounts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n filled field(s)</source>
        <translation>
            <numerusform>%n filled field</numerusform>
            <numerusform>%n filled fields</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n column(s)</source>
        <translation>
            <numerusform>%n column</numerusform>
            <numerusform>%n columns</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n row(s)</source>
        <translation>
            <numerusform>%n row</numerusform>
            <numerusform>%n rows</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n row(s)/s</source>
        <translation>
            <numerusform>%n row/s</numerusform>
            <numerusform>%n rows/s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n new lead(s)</source>
        <translation>
            <numerusform>%n new lead</numerusform>
            <numerusform>%n new leads</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n duplicate(s)</source>
        <translation>
            <numerusform>%n duplicate</numerusform>
            <numerusform>%n duplicates</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n active target(s)</source>
        <translation>
            <numerusform>%n active target</numerusform>
            <numerusform>%n active targets</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n account(s) already present go onto the target list.</source>
        <translation>
            <numerusform>%n account already present goes onto the target list.</numerusform>
            <numerusform>%n accounts already present go onto the target list.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>all %n of its lead(s) are present.</source>
        <translation>
            <numerusform>its %n lead is present.</numerusform>
            <numerusform>all %n of its leads are present.</numerusform>
        </translation>
    </message>
</context>
</TS>
