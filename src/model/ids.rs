//! Typed ids of the model's agents: an expert's index cannot be passed
//! where a staff member's is expected. Each is an index into its owner's
//! vector (`members::Members`, `roster::Roster`), never reused.

/// An expert member, in order of joining.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExpertId(pub u32);

/// A staff member, numbered team by team, shift pattern by pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StaffId(pub u32);

impl ExpertId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl StaffId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
