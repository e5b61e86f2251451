//! The wrappers of the spec's items; see the module documentation.
#![allow(non_snake_case)]
use crate::raw;
/// A value that breaks a newtype's constraint.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ConstraintError {
    /// The newtype.
    pub newtype: &'static str,
    /// Its constraint, as the spec writes it.
    pub constraint: &'static str,
    /// Where the spec declares it (`file:line`).
    pub location: &'static str,
}
impl ::core::fmt::Display for ConstraintError {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        write!(
            f, "value breaks `{}` of newtype `{}` ({})", self.constraint, self.newtype,
            self.location
        )
    }
}
/// `newtype RingIdx` (`vnet.inv:5`).
///
/// Ring position; always below the queue size.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct RingIdx(u16);
impl RingIdx {
    /// Wraps `value` if `value < VNET_RING_SIZE` holds for it.
    pub fn new(value: u16) -> ::core::option::Option<Self> {
        Self::holds(value).then_some(Self(value))
    }
    /// The wrapped value.
    pub const fn get(self) -> u16 {
        self.0
    }
    fn holds(value: u16) -> bool {
        Self::check(value).unwrap_or(false)
    }
    /// The constraint; `None` when its arithmetic would overflow.
    #[allow(unused_parens, clippy::double_parens)]
    fn check(value: u16) -> ::core::option::Option<bool> {
        ::core::option::Option::Some(((value as i128) < 256i128))
    }
    /// A value read from a C field declared to hold this type; checked in debug builds.
    /// Crate-private: outside this crate a value is made only by the checked ways.
    #[allow(dead_code)]
    pub(crate) fn from_raw_value(value: u16) -> Self {
        debug_assert!(
            Self::holds(value),
            "a `RingIdx` read from C breaks its constraint `value < VNET_RING_SIZE` (vnet.inv:5)"
        );
        Self(value)
    }
}
impl ::core::convert::TryFrom<u16> for RingIdx {
    type Error = ConstraintError;
    fn try_from(value: u16) -> ::core::result::Result<Self, ConstraintError> {
        Self::new(value)
            .ok_or(ConstraintError {
                newtype: "RingIdx",
                constraint: "value < VNET_RING_SIZE",
                location: "vnet.inv:5",
            })
    }
}
impl ::core::convert::From<RingIdx> for u16 {
    fn from(value: RingIdx) -> u16 {
        value.0
    }
}
/// The C `struct vnet_queue`, as `vnet.inv:7` says it is used.
#[repr(transparent)]
pub struct VnetQueue(::core::cell::UnsafeCell<raw::vnet_queue>);
impl VnetQueue {
    /// Wraps a C object; the only way to get a wrapper.
    ///
    /// # Safety
    /// `ptr` points to an initialised `struct vnet_queue` that stays valid for `'a`, and every access to it by other code, C or Rust, keeps the rules of `examples/vnet/vnet.inv`: guarded fields only with their lock held, `readonly` fields not written any more, `lockless` fields only with `READ_ONCE`/`WRITE_ONCE`.
    pub unsafe fn from_raw<'a>(ptr: *mut raw::vnet_queue) -> &'a Self {
        let this = unsafe { &*ptr.cast::<Self>() };
        this.check_unguarded_invariants();
        this
    }
    /// Wraps a C object the caller has to itself, so that its plain fields can be set.
    ///
    /// # Safety
    /// As for [`VnetQueue::from_raw`], and no other code accesses the struct while the returned reference lives (as during initialisation, before the struct is published).
    pub unsafe fn from_raw_mut<'a>(ptr: *mut raw::vnet_queue) -> &'a mut Self {
        let this = unsafe { &mut *ptr.cast::<Self>() };
        this.check_unguarded_invariants();
        this
    }
    /// The C object, for passing to C functions.
    pub fn as_raw(&self) -> *mut raw::vnet_queue {
        self.0.get()
    }
    fn check_unguarded_invariants(&self) {}
    /// Reads `size`, which is `readonly`: set before the object is published, never written after, so there is no setter. (`vnet.inv:14`)
    pub fn size(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.as_raw()).size }
    }
    /// Reads `index`, which is `readonly`: set before the object is published, never written after, so there is no setter. (`vnet.inv:14`)
    pub fn index(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.as_raw()).index }
    }
    /// Reads `broken` once, as `READ_ONCE` does: it is `lockless`, so others write it concurrently. (`vnet.inv:15`)
    pub fn broken(&self) -> ::core::ffi::c_int {
        unsafe { ::core::ptr::addr_of_mut!((* self.as_raw()).broken).read_volatile() }
    }
    /// Writes `broken` once, as `WRITE_ONCE` does.
    pub fn set_broken(&self, v: ::core::ffi::c_int) {
        unsafe { ::core::ptr::addr_of_mut!((* self.as_raw()).broken).write_volatile(v) }
    }
    /// Takes `lock` (spinlock, interrupts disabled and restored), as `vnet.inv:9` says it is taken; the guard releases it when dropped.
    ///
    /// Taken from the interrupt handler too, so always with irqsave.
    pub fn lock_irqsave(&self) -> VnetQueueLockIrqsaveGuard<'_> {
        VnetQueueLockIrqsaveGuard(::inv::LockGuard::lock(self))
    }
    /// Reads `ops` inside an RCU read section (`vnet.inv:17`): the reference cannot outlive `rcu`, the section's guard, and is `None` when the pointer is null.
    pub fn ops<'g>(
        &'g self,
        rcu: &'g ::inv::RcuReadGuard,
    ) -> ::core::option::Option<&'g raw::vnet_ops> {
        unsafe {
            ::inv::rcu::dereference(
                ::core::ptr::addr_of_mut!((* self.as_raw()).ops)
                    .cast::<*mut raw::vnet_ops>()
                    .cast_const(),
                rcu,
            )
        }
    }
    /// The coherent `desc` ring (`vnet.inv:18`): volatile reads and writes of whole elements only, since the device writes it too. `None` while the pointer is null or the count is negative.
    pub fn desc(
        &mut self,
    ) -> ::core::option::Option<::inv::CoherentSlice<'_, raw::vring_desc>> {
        let len = usize::try_from(self.desc_len()?).ok()?;
        let cpu = ::core::ptr::NonNull::new(unsafe {
            (*::core::ptr::addr_of_mut!((* self.as_raw()).desc))
                .cast::<raw::vring_desc>()
        })?;
        ::core::option::Option::Some(unsafe { ::inv::CoherentSlice::from_raw(cpu, len) })
    }
    #[allow(unused_parens, clippy::double_parens)]
    fn desc_len(&self) -> ::core::option::Option<i128> {
        ::core::option::Option::Some(unsafe { (((*self.as_raw()).size) as i128) })
    }
    /// Hands a mapped buffer to the device through `buf`, `buf_dma` and `buf_len` (`vnet.inv:19`); gives it back if those fields already hold one.
    pub fn store_buf(
        &mut self,
        buf: ::inv::DmaBuf<::inv::DeviceOwned>,
    ) -> ::core::result::Result<(), ::inv::DmaBuf<::inv::DeviceOwned>> {
        unsafe {
            if !(*::core::ptr::addr_of_mut!((* self.as_raw()).buf)).is_null() {
                return ::core::result::Result::Err(buf);
            }
            let (cpu, len, bus) = buf.into_raw_mapped();
            ::core::ptr::addr_of_mut!((* self.as_raw()).buf).write(cpu.as_ptr().cast());
            ::core::ptr::addr_of_mut!((* self.as_raw()).buf_dma).write(bus as _);
            ::core::ptr::addr_of_mut!((* self.as_raw()).buf_len).write(len as _);
        }
        ::core::result::Result::Ok(())
    }
    /// Takes back the buffer `buf` holds, still owned by the device: unmap it before the CPU touches or frees it.
    ///
    /// # Safety
    /// `dev` is the device the buffer was mapped on, and the fields were set by
    /// `store_*` or by C code that maps the buffer the same way.
    pub unsafe fn take_buf(
        &mut self,
        dev: &::inv::Device,
    ) -> ::core::option::Option<::inv::DmaBuf<::inv::DeviceOwned>> {
        unsafe {
            let cpu = ::core::ptr::NonNull::new(
                (*::core::ptr::addr_of_mut!((* self.as_raw()).buf)).cast::<u8>(),
            )?;
            let buf = ::inv::DmaBuf::from_raw_mapped(
                cpu,
                *::core::ptr::addr_of_mut!((* self.as_raw()).buf_len) as usize,
                *::core::ptr::addr_of_mut!((* self.as_raw()).buf_dma) as _,
                dev,
                ::inv::DmaDirection::ToDevice,
            );
            ::core::ptr::addr_of_mut!((* self.as_raw()).buf)
                .write(::core::ptr::null_mut());
            ::core::ptr::addr_of_mut!((* self.as_raw()).buf_dma).write(0 as _);
            ::core::ptr::addr_of_mut!((* self.as_raw()).buf_len).write(0 as _);
            ::core::option::Option::Some(buf)
        }
    }
    /// Takes a reference (`kref_get` on `ref`).
    pub fn get_ref(&self) -> VnetQueueRef {
        ::inv::KrefRef::new(self)
    }
    /// The embedded `vq` (`vnet.inv:20`).
    pub fn vq(&self) -> &VnetQueueVq {
        unsafe {
            &*::core::ptr::addr_of_mut!((* self.as_raw()).vq).cast::<VnetQueueVq>()
        }
    }
    /// The `struct vnet_queue` that contains `member`: C's `container_of(ptr, struct vnet_queue, vq)`, safe because a [`VnetQueueVq`] only comes from inside one.
    pub fn from_vq(member: &VnetQueueVq) -> &Self {
        let offset = ::core::mem::offset_of!(raw::vnet_queue, vq);
        let parent = ::inv::container_of_mut::<
            raw::vnet_queue,
            raw::virtqueue,
        >(member.as_raw(), offset);
        unsafe { &*parent.cast::<Self>() }
    }
    /// Evaluates `num_free <= size` (`vnet.inv:12`).
    /// Called with the lock that guards these fields held.
    #[allow(unused_parens, clippy::double_parens)]
    fn invariant_0(&self) -> ::core::option::Option<bool> {
        ::core::option::Option::Some(unsafe {
            ((((*self.as_raw()).num_free) as i128) <= (((*self.as_raw()).size) as i128))
        })
    }
}
unsafe impl ::core::marker::Sync for VnetQueue {}
unsafe impl ::core::marker::Send for VnetQueue {}
/// Names the lock `lock` of `struct vnet_queue` in guard types.
pub enum VnetQueueLockTag {}
const _: () = assert!(
    ::core::mem::size_of:: < raw::spinlock_t > () == ::core::mem::size_of:: <
    ::inv::sys::spinlock_t > () && ::core::mem::align_of:: < raw::spinlock_t > () ==
    ::core::mem::align_of:: < ::inv::sys::spinlock_t > (),
    "the C type of `vnet_queue.lock` must have the layout of the runtime's lock type"
);
unsafe impl ::inv::HasLock<VnetQueueLockTag> for VnetQueue {
    type Lock = ::inv::sys::spinlock_t;
    fn raw_lock(&self) -> *mut ::inv::sys::spinlock_t {
        unsafe { ::core::ptr::addr_of_mut!((* self.as_raw()).lock) }
            .cast::<::inv::sys::spinlock_t>()
    }
    fn check_invariant(&self) {
        debug_assert!(
            self.invariant_0().unwrap_or(false),
            "invariant `num_free <= size` (vnet.inv:12) violated"
        );
    }
}
/// `lock` of `struct vnet_queue` held: the fields it guards are reached through this guard.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct VnetQueueLockIrqsaveGuard<'a>(
    ::inv::SpinLockGuard<'a, VnetQueue, ::inv::IrqSave, VnetQueueLockTag>,
);
impl<'a> VnetQueueLockIrqsaveGuard<'a> {
    /// The object whose lock is held.
    pub fn owner(&self) -> &'a VnetQueue {
        self.0.owner()
    }
    /// Reads `num_free`, guarded by this lock (`vnet.inv:10`).
    pub fn num_free(&self) -> ::core::ffi::c_uint {
        unsafe { (*self.0.owner().as_raw()).num_free }
    }
    /// Writes `num_free`, guarded by this lock (`vnet.inv:10`).
    pub fn set_num_free(&mut self, v: ::core::ffi::c_uint) {
        unsafe {
            ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).num_free).write(v)
        }
    }
    /// Reads `free_head`, guarded by this lock (`vnet.inv:10`).
    pub fn free_head(&self) -> RingIdx {
        let v = unsafe { (*self.0.owner().as_raw()).free_head };
        RingIdx::from_raw_value(v as _)
    }
    /// Writes `free_head`, guarded by this lock (`vnet.inv:10`).
    pub fn set_free_head(&mut self, v: RingIdx) {
        unsafe {
            ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).free_head)
                .write(v.get() as ::core::ffi::c_ushort)
        }
    }
    /// Reads `last_used`, guarded by this lock (`vnet.inv:10`).
    pub fn last_used(&self) -> ::core::ffi::c_ushort {
        unsafe { (*self.0.owner().as_raw()).last_used }
    }
    /// Writes `last_used`, guarded by this lock (`vnet.inv:10`).
    pub fn set_last_used(&mut self, v: ::core::ffi::c_ushort) {
        unsafe {
            ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).last_used).write(v)
        }
    }
    /// Publishes `new` as `ops` (`rcu_assign_pointer`, `vnet.inv:17`) and gives back the object it replaced, which readers may still use: free it only through the `Retired`.
    pub fn replace_ops(
        &mut self,
        new: &'static raw::vnet_ops,
    ) -> ::core::option::Option<::inv::Retired<raw::vnet_ops>> {
        unsafe {
            ::inv::rcu::replace(
                ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).ops)
                    .cast::<*mut raw::vnet_ops>(),
                ::core::ptr::from_ref(new).cast_mut(),
            )
        }
    }
    /// As [`Self::replace_ops`], for an object the caller allocated.
    ///
    /// # Safety
    /// `new` is null or points to a fully initialised object that the field now owns: it is
    /// not changed while published and is freed only through the `Retired` that replaces it.
    pub unsafe fn replace_ops_raw(
        &mut self,
        new: *mut raw::vnet_ops,
    ) -> ::core::option::Option<::inv::Retired<raw::vnet_ops>> {
        unsafe {
            ::inv::rcu::replace(
                ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).ops)
                    .cast::<*mut raw::vnet_ops>(),
                new,
            )
        }
    }
    /// Walks `pending`: the `vnet_req`s linked through their `node` (`vnet.inv:21`), while this guard holds the list's lock.
    pub fn pending(&self) -> ::inv::list::ListIter<'_, raw::vnet_req> {
        const {
            assert!(
                ::core::mem::size_of:: < raw::list_head > () == ::core::mem::size_of:: <
                ::inv::sys::list_head > (),
                "`vnet_queue.pending` must be a `struct list_head` of the runtime's layout"
            )
        };
        unsafe {
            ::inv::list::iter(
                ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).pending)
                    .cast::<::inv::sys::list_head>()
                    .cast_const(),
                ::core::mem::offset_of!(raw::vnet_req, node),
                &self.0,
            )
        }
    }
    /// Links `entry` at the tail of `pending` (`list_add_tail`).
    ///
    /// # Safety
    /// `entry` points to a live entry that is on no list and stays valid until it is
    /// unlinked.
    pub unsafe fn push_pending(&mut self, entry: *mut raw::vnet_req) {
        unsafe {
            ::inv::list::push_back(
                ::core::ptr::addr_of_mut!((* self.0.owner().as_raw()).pending)
                    .cast::<::inv::sys::list_head>(),
                ::core::ptr::addr_of_mut!((* entry).node)
                    .cast::<::inv::sys::list_head>(),
                &mut self.0,
            )
        }
    }
    /// Unlinks `entry` from `pending` (`list_del`).
    ///
    /// # Safety
    /// `entry` points to a live entry on this list.
    pub unsafe fn remove_pending(&mut self, entry: *mut raw::vnet_req) {
        unsafe {
            ::inv::list::remove(
                ::core::ptr::addr_of_mut!((* entry).node)
                    .cast::<::inv::sys::list_head>(),
                &mut self.0,
            )
        }
    }
}
/// An owned reference to a `struct vnet_queue` (`vnet.inv:22`): cloning takes a reference (`kref_get`), dropping gives it back (`kref_put`), and the last one calls `vnet_queue_release`.
pub type VnetQueueRef = ::inv::KrefRef<VnetQueue>;
const _: () = assert!(
    ::core::mem::size_of:: < raw::kref > () == ::core::mem::size_of:: < ::inv::sys::kref
    > (), "`vnet_queue.ref` must be a `struct kref` of the runtime's layout"
);
unsafe extern "C" fn __release_vnet_queue(kref: *mut ::inv::sys::kref) {
    unsafe { raw::vnet_queue_release(kref.cast()) }
}
unsafe impl ::inv::Refcounted for VnetQueue {
    const RELEASE: unsafe extern "C" fn(*mut ::inv::sys::kref) = __release_vnet_queue;
    fn raw_kref(&self) -> *mut ::inv::sys::kref {
        unsafe { ::core::ptr::addr_of_mut!((* self.as_raw()).ref_) }
            .cast::<::inv::sys::kref>()
    }
}
/// The `virtqueue` embedded as `vq` in `struct vnet_queue` (`vnet.inv:20`): made only from its parent, so [`VnetQueue::from_vq`] can give the parent back.
#[repr(transparent)]
pub struct VnetQueueVq(::core::cell::UnsafeCell<raw::virtqueue>);
unsafe impl ::core::marker::Sync for VnetQueueVq {}
impl VnetQueueVq {
    /// Wraps a `struct virtqueue` that is the `vq` member of a live `struct vnet_queue`.
    ///
    /// # Safety
    /// `ptr` points to the `vq` member of a `struct vnet_queue` valid for `'a`, under the rules of [`VnetQueue::from_raw`].
    pub unsafe fn from_raw<'a>(ptr: *mut raw::virtqueue) -> &'a Self {
        unsafe { &*ptr.cast::<Self>() }
    }
    /// The C object, for passing to C functions.
    pub fn as_raw(&self) -> *mut raw::virtqueue {
        self.0.get()
    }
}
/// The C `struct vnet_dev`, as `vnet.inv:25` says it is used.
#[repr(transparent)]
pub struct VnetDev(::core::cell::UnsafeCell<raw::vnet_dev>);
impl VnetDev {
    /// Wraps a C object; the only way to get a wrapper.
    ///
    /// # Safety
    /// `ptr` points to an initialised `struct vnet_dev` that stays valid for `'a`, and every access to it by other code, C or Rust, keeps the rules of `examples/vnet/vnet.inv`: guarded fields only with their lock held, `readonly` fields not written any more, `lockless` fields only with `READ_ONCE`/`WRITE_ONCE`.
    pub unsafe fn from_raw<'a>(ptr: *mut raw::vnet_dev) -> &'a Self {
        let this = unsafe { &*ptr.cast::<Self>() };
        this.check_unguarded_invariants();
        this
    }
    /// Wraps a C object the caller has to itself, so that its plain fields can be set.
    ///
    /// # Safety
    /// As for [`VnetDev::from_raw`], and no other code accesses the struct while the returned reference lives (as during initialisation, before the struct is published).
    pub unsafe fn from_raw_mut<'a>(ptr: *mut raw::vnet_dev) -> &'a mut Self {
        let this = unsafe { &mut *ptr.cast::<Self>() };
        this.check_unguarded_invariants();
        this
    }
    /// The C object, for passing to C functions.
    pub fn as_raw(&self) -> *mut raw::vnet_dev {
        self.0.get()
    }
    fn check_unguarded_invariants(&self) {}
    /// Reads `queues`, which the spec puts under no rule.
    pub fn queues(&self) -> *mut raw::vnet_queue {
        unsafe { (*self.as_raw()).queues }
    }
    /// Writes `queues`; needs the object to itself ([`Self::from_raw_mut`]).
    #[allow(clippy::not_unsafe_ptr_arg_deref)]
    pub fn set_queues(&mut self, v: *mut raw::vnet_queue) {
        unsafe { ::core::ptr::addr_of_mut!((* self.as_raw()).queues).write(v) }
    }
    /// Takes `cfg_lock` (spinlock), as `vnet.inv:26` says it is taken; the guard releases it when dropped.
    pub fn cfg_lock(&self) -> VnetDevCfgLockGuard<'_> {
        VnetDevCfgLockGuard(::inv::LockGuard::lock(self))
    }
}
unsafe impl ::core::marker::Sync for VnetDev {}
unsafe impl ::core::marker::Send for VnetDev {}
/// Names the lock `cfg_lock` of `struct vnet_dev` in guard types.
pub enum VnetDevCfgLockTag {}
const _: () = assert!(
    ::core::mem::size_of:: < raw::spinlock_t > () == ::core::mem::size_of:: <
    ::inv::sys::spinlock_t > () && ::core::mem::align_of:: < raw::spinlock_t > () ==
    ::core::mem::align_of:: < ::inv::sys::spinlock_t > (),
    "the C type of `vnet_dev.cfg_lock` must have the layout of the runtime's lock type"
);
unsafe impl ::inv::HasLock<VnetDevCfgLockTag> for VnetDev {
    type Lock = ::inv::sys::spinlock_t;
    fn raw_lock(&self) -> *mut ::inv::sys::spinlock_t {
        unsafe { ::core::ptr::addr_of_mut!((* self.as_raw()).cfg_lock) }
            .cast::<::inv::sys::spinlock_t>()
    }
}
/// `cfg_lock` of `struct vnet_dev` held: the fields it guards are reached through this guard.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct VnetDevCfgLockGuard<'a>(
    ::inv::SpinLockGuard<'a, VnetDev, ::inv::Plain, VnetDevCfgLockTag>,
);
impl<'a> VnetDevCfgLockGuard<'a> {
    /// The object whose lock is held.
    pub fn owner(&self) -> &'a VnetDev {
        self.0.owner()
    }
}
unsafe impl ::inv::dma::Pod for raw::vring_desc {}
/// `to_vnet_queue`: the `struct vnet_queue` that contains `vq` (C's `container_of`), safely.
pub fn to_vnet_queue(vq: &VnetQueueVq) -> &VnetQueue {
    VnetQueue::from_vq(vq)
}
/// The operations of `struct vnet_dev_ops` (`vnet.inv:31`): implement it, and [`vnet_dev_ops_table`] gives the C table that calls the implementation.
pub trait VnetDevOps {
    /// `open` of `struct vnet_dev_ops` (`vnet.inv:32`).
    fn open(dev: &VnetDev) -> ::core::result::Result<(), ::inv::Errno>;
    /// `xmit` of `struct vnet_dev_ops` (`vnet.inv:33`).
    /// Called in softirq context: it must not sleep.
    ///
    /// # Safety
    /// `skb` is what the C caller of `vnet_dev_ops.xmit` passes, valid as its contract says.
    unsafe fn xmit(
        dev: &VnetDev,
        skb: *mut ::core::ffi::c_void,
    ) -> ::core::result::Result<(), ::inv::Errno>;
    /// `stop` of `struct vnet_dev_ops` (`vnet.inv:34`).
    fn stop(dev: &VnetDev);
}
/// The C `struct vnet_dev_ops` whose members call `T`'s functions.
pub const fn vnet_dev_ops_table<T: VnetDevOps>() -> raw::vnet_dev_ops {
    raw::vnet_dev_ops {
        open: ::core::option::Option::Some(__vnet_dev_ops_open::<T>),
        xmit: ::core::option::Option::Some(__vnet_dev_ops_xmit::<T>),
        stop: ::core::option::Option::Some(__vnet_dev_ops_stop::<T>),
    }
}
unsafe extern "C" fn __vnet_dev_ops_open<T: VnetDevOps>(
    dev: *mut raw::vnet_dev,
) -> ::core::ffi::c_int {
    let dev = unsafe { VnetDev::from_raw(dev) };
    let result = T::open(dev);
    ::inv::errno::to_c_int(result) as _
}
unsafe extern "C" fn __vnet_dev_ops_xmit<T: VnetDevOps>(
    dev: *mut raw::vnet_dev,
    skb: *mut ::core::ffi::c_void,
) -> ::core::ffi::c_int {
    let dev = unsafe { VnetDev::from_raw(dev) };
    let result = unsafe { T::xmit(dev, skb) };
    ::inv::errno::to_c_int(result) as _
}
unsafe extern "C" fn __vnet_dev_ops_stop<T: VnetDevOps>(dev: *mut raw::vnet_dev) {
    let dev = unsafe { VnetDev::from_raw(dev) };
    T::stop(dev);
}
