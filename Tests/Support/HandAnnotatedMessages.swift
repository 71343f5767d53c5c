/// Hand-annotated texts shared by the tests of the model-assisted de-identification pass (the library's and the
/// server's), so both check the same case against the same annotation.
public enum HandAnnotatedMessages {
    /// A message whose names have no cue the rules use (no title, label, relation word or signature; lower case),
    /// so what is found beyond the rules is the model's doing.
    public static let lowerCaseNames = """
        msg 2/3 10:40a
        marisol okonkwo-baptiste called back, still dizzy since the new bp pill, asks if she can skip tonight.
        told her to hold it and check bp at home. okonkwo-baptiste agrees. will route to cheng for fyi.
        """
    /// By hand: the words of every mention of the two people `lowerCaseNames` names, in order.
    public static let lowerCaseNameWords = ["marisol", "okonkwo", "baptiste", "okonkwo", "baptiste", "cheng"]
}
