-- Progress of writing triggers for the members an audience already had when the campaign was
-- created (includeExistingMembers). Not null while that work is unfinished: members with a larger
-- membership id still need their trigger. It survives a crash, so the scheduler can finish the job.
alter table campaign add column existing_members_after_id bigint;
