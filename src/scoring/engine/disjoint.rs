//! One vector's cells written by parallel tasks that each own different cells, where no split of
//! the vector into slices gives each task its own: the scatter of the cells stage writes a unit's
//! cells, which lie in every column, from the task that reads the unit's panel rows.
//!
//! [`Disjoint`] lends the whole vector to every task as atomics of the same size, written and read
//! with relaxed ordering. On x86-64 and AArch64 a relaxed load or store of a cell is the plain
//! load or store it replaces, so this costs nothing there, and it makes a mistake in a caller's
//! partition a wrong result (two tasks wrote one cell, and which won depends on timing), never a
//! data race. The callers check their partitions, so that results stay the same bits.
//!
//! The one unsafe step is [`Disjoint::of`]'s view of `&mut [T]` as `&[T::Atomic]`; see the
//! SAFETY comments there and on [`Cell`].

use std::sync::atomic::{AtomicU8, AtomicU16, AtomicU64, Ordering};

/// A plain value with an atomic twin that can stand in its place in memory.
///
/// # Safety
/// `Self::Atomic` has the size and bit validity of `Self`, so a `&mut [Self]` whose start is
/// aligned for `Self::Atomic` may be viewed as a `&[Self::Atomic]` of the same length.
pub(crate) unsafe trait Cell: Copy {
    type Atomic: Sync;
    /// Reads the cell.
    fn load(cell: &Self::Atomic) -> Self;
    /// Writes the cell.
    fn store(cell: &Self::Atomic, x: Self);
}

// SAFETY: AtomicU64 has the size and bit validity of u64, and every bit pattern of a u64 is an f64.
unsafe impl Cell for f64 {
    type Atomic = AtomicU64;
    fn load(cell: &AtomicU64) -> f64 {
        f64::from_bits(cell.load(Ordering::Relaxed))
    }
    fn store(cell: &AtomicU64, x: f64) {
        cell.store(x.to_bits(), Ordering::Relaxed);
    }
}

/// [`Cell`] for an unsigned integer and its atomic.
macro_rules! integer_cell {
    ($($int:ty => $atomic:ty),*) => {$(
        // SAFETY: an atomic integer has the size, alignment and bit validity of its integer.
        unsafe impl Cell for $int {
            type Atomic = $atomic;
            fn load(cell: &$atomic) -> $int {
                cell.load(Ordering::Relaxed)
            }
            fn store(cell: &$atomic, x: $int) {
                cell.store(x, Ordering::Relaxed);
            }
        }
    )*};
}

integer_cell!(u8 => AtomicU8, u16 => AtomicU16);

/// The cells of a vector, shared by parallel tasks that each write their own. It borrows the
/// vector mutably, so nothing else reads or writes it meanwhile.
pub(crate) struct Disjoint<'a, T: Cell>(&'a [T::Atomic]);

impl<T: Cell> Clone for Disjoint<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Cell> Copy for Disjoint<'_, T> {}

impl<'a, T: Cell> Disjoint<'a, T> {
    /// Lends the cells of `v` for the lifetime of the borrow.
    pub(crate) fn of(v: &'a mut [T]) -> Self {
        if v.is_empty() {
            // An empty slice's dangling start need not be aligned for the atomic.
            return Self(&[]);
        }
        let start = v.as_mut_ptr().cast::<T::Atomic>();
        // An f64 is aligned to 4 bytes on some 32-bit targets, its atomic twin to 8; allocations
        // are aligned to 8 or more everywhere fazhi runs, and this says so if one is not.
        assert!(start.is_aligned(), "internal: a scoring column is not aligned for atomic access");
        // SAFETY: `start` is aligned (checked) and points to `v.len()` initialised cells of the
        // atomic's size and bit validity (`Cell`); the exclusive borrow of `v` for 'a means
        // nothing else reads or writes them while the shared view lives.
        Self(unsafe { std::slice::from_raw_parts(start, v.len()) })
    }

    /// The value of cell `at`.
    pub(crate) fn get(self, at: usize) -> T {
        T::load(&self.0[at])
    }

    /// Writes `x` to cell `at`.
    pub(crate) fn set(self, at: usize, x: T) {
        T::store(&self.0[at], x);
    }
}

#[cfg(test)]
mod tests {
    use rayon::prelude::*;

    use super::Disjoint;

    #[test]
    fn writes_land_where_they_are_made() {
        let mut v = vec![f64::NAN; 5];
        let d = Disjoint::of(&mut v);
        d.set(1, 2.5);
        d.set(4, -0.0);
        assert_eq!(d.get(1), 2.5);
        assert!(d.get(0).is_nan());
        assert_eq!(v[1], 2.5);
        assert_eq!(v[4].to_bits(), (-0.0f64).to_bits(), "the bits are kept, the sign of zero too");
        assert!(v[0].is_nan() && v[2].is_nan() && v[3].is_nan());
    }

    #[test]
    fn every_bit_pattern_survives() {
        let xs = [f64::NAN, f64::INFINITY, f64::MIN_POSITIVE / 2.0, f64::from_bits(0x7ff8_dead_beef_0001), 1e300];
        let mut v = vec![0.0; xs.len()];
        let d = Disjoint::of(&mut v);
        for (i, &x) in xs.iter().enumerate() {
            d.set(i, x);
            assert_eq!(d.get(i).to_bits(), x.to_bits());
        }
    }

    #[test]
    fn an_empty_vector_lends_no_cells() {
        let mut v: Vec<f64> = Vec::new();
        let d = Disjoint::of(&mut v);
        assert!(std::panic::catch_unwind(|| d.get(0)).is_err(), "reading past the end panics");
    }

    #[test]
    #[should_panic(expected = "index out of bounds")]
    fn a_write_past_the_end_panics() {
        let mut v = vec![0u8; 3];
        Disjoint::of(&mut v).set(3, 1);
    }

    /// Rayon tasks write interleaved cells of three vectors (cell i is task i % tasks's, as the
    /// scatter's unit cells lie across the columns), and count into their own cells.
    #[test]
    fn rayon_tasks_write_disjoint_cells() {
        const TASKS: usize = 8;
        let n = if cfg!(miri) { 64 } else { 40_000 };
        let mut values = vec![f64::NAN; n];
        let mut flags = vec![0u8; n];
        let mut counts = vec![0u16; n];
        {
            let (values, flags, counts) = (Disjoint::of(&mut values), Disjoint::of(&mut flags), Disjoint::of(&mut counts));
            (0..TASKS).into_par_iter().for_each(|t| {
                for i in (t..n).step_by(TASKS) {
                    values.set(i, i as f64 * 0.5);
                    flags.set(i, t as u8);
                    counts.set(i, counts.get(i) + 1);
                    counts.set(i, counts.get(i) + 1);
                }
            });
        }
        assert!(values.iter().enumerate().all(|(i, &x)| x == i as f64 * 0.5));
        assert!(flags.iter().enumerate().all(|(i, &f)| usize::from(f) == i % TASKS));
        assert!(counts.iter().all(|&c| c == 2));
    }
}
