//! The staff priority rules: which eligible question a free staff member
//! takes first. Each rule is a class (lower first); within a class, the
//! oldest question first. A new rule is a `Priority` variant (in the
//! scenario) and one arm here.

use super::questions::Question;
use crate::scenario::Priority;

/// The question's class under `priority`: 0 comes before 1.
pub fn staff_class(priority: Priority, question: &Question) -> u8 {
    match priority {
        Priority::Oldest => 0,
        Priority::ChasedFirst => u8::from(question.chases == 0),
        Priority::AccountFirst => u8::from(!question.needs_account),
    }
}
